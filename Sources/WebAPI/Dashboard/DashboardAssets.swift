/// The dashboard's files by name, as compiled into the binary.
///
/// The table itself lives in the generated `DashboardAssets+Generated.swift`; the sources are the
/// real files under `Sources/WebAPI/Dashboard/assets/` (see `scripts/gen-dashboard-assets.sh`).
enum DashboardAssets {
    /// The HTML page every `/ui/...` path serves; the page's script renders the view the path names.
    static let shellName = "app.html"

    /// The asset called `name`, or nil. Only plain file names are looked up (no paths).
    static func asset(named name: String) -> DashboardAsset? {
        self.all[name]
    }

    /// The single-page shell.
    static var shell: DashboardAsset? {
        self.all[self.shellName]
    }
}
