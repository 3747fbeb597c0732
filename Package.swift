// swift-tools-version:6.1
import PackageDescription

/// Settings every netmond target shares: Swift 6 language mode plus the upcoming features the
/// Swift server community enables (see hummingbird's Package.swift).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "netmond",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "netmond", targets: ["netmond"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // MARK: C libraries
        .systemLibrary(
            name: "CNetSNMP",
            pkgConfig: "netsnmp",
            providers: [.apt(["libsnmp-dev"])]
        ),
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),
        // glibc's malloc.h (mallopt); part of libc6-dev.
        .systemLibrary(name: "CMalloc"),

        // MARK: Modules
        .target(
            name: "NetmonCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Storage",
            dependencies: [
                "NetmonCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SNMPPoller",
            dependencies: [
                "NetmonCore",
                "CNetSNMP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlowCollector",
            dependencies: [
                "NetmonCore",
                "CPcap",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Alerting",
            dependencies: [
                "NetmonCore",
                "Storage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "WebAPI",
            dependencies: [
                "Alerting",
                "NetmonCore",
                "Storage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The dashboard's source files; scripts/gen-dashboard-assets.sh compiles them in.
            exclude: ["Dashboard/assets"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "netmond",
            dependencies: [
                "CMalloc",
                "NetmonCore",
                "Storage",
                "SNMPPoller",
                "FlowCollector",
                "Alerting",
                "WebAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Test support and tests
        .target(
            name: "NetmonTesting",
            dependencies: ["NetmonCore"],
            path: "Tests/NetmonTesting",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NetmonCoreTests",
            dependencies: ["NetmonCore", "NetmonTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "storage-stress",
            dependencies: [
                "NetmonCore",
                "Storage",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/StorageStress",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage", "NetmonTesting", "storage-stress",
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SNMPPollerTests",
            dependencies: [
                "SNMPPoller", "NetmonTesting", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlowCollectorTests",
            dependencies: ["FlowCollector", "NetmonTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AlertingTests",
            dependencies: [
                "Alerting", "NetmonTesting", "Storage",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebAPITests",
            dependencies: [
                "WebAPI", "Alerting", "NetmonTesting", "NetmonCore", "Storage",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["NetmonCore", "Storage", "NetmonTesting", "netmond"],
            swiftSettings: swiftSettings
        ),

        // MARK: Benchmarks
        .executableTarget(
            name: "storage-ingest-bench",
            dependencies: [
                "NetmonCore",
                "Storage",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/StorageIngest",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "flow-decode-bench",
            dependencies: [
                "NetmonCore", "FlowCollector", "Storage", "NetmonTesting",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/FlowDecode",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "snmp-poll-bench",
            dependencies: [
                "NetmonCore",
                "SNMPPoller",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/SNMPPoll",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "timeseries-bench",
            dependencies: [
                "NetmonCore",
                "Storage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/TimeSeries",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "alerting-bench",
            dependencies: [
                "Alerting",
                "NetmonCore",
                "Storage",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/AlertingEval",
            swiftSettings: swiftSettings
        ),
    ]
)
