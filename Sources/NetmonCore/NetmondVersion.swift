/// The version of netmond, reported by `netmond version`, `/healthz` and `/metrics`.
public enum NetmondVersion {
    /// The release version (semantic versioning).
    public static let current = "0.1.0"
}
