// swift-tools-version:6.2
// The benchmark package: kept apart so the main package stays light (swift-otel is a large
// dependency). Build it in release: `swift build -c release` here, then `./run-delivery.sh`.
import PackageDescription

let package = Package(
    name: "atof-bridge-benchmarks",
    platforms: [.macOS("15.0")],
    dependencies: [
        .package(name: "atof-bridge", path: ".."),
        // Only the OTLP/HTTP exporter: the gRPC trait would add grpc-swift to the build.
        .package(url: "https://github.com/swift-otel/swift-otel", exact: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Shared measuring helpers: arguments, rusage, clocks, the sink's /stats, reports.
        .target(name: "BenchSupport"),
        // zlib for gzip request bodies in the sink (Debian: zlib1g-dev, already a main-package need).
        .systemLibrary(name: "CSinkZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .executableTarget(name: "otlp-sink", dependencies: ["BenchSupport", "CSinkZlib"]),
        .executableTarget(
            name: "bridge-bench",
            dependencies: [
                "BenchSupport",
                .product(name: "ATOF", package: "atof-bridge"),
                .product(name: "ATOFBridge", package: "atof-bridge"),
            ]
        ),
        // Parse-only cost of one ATOF file: our JSONParser and event decoder next to Foundation's.
        .executableTarget(
            name: "decode-bench",
            dependencies: [
                "BenchSupport",
                .product(name: "ATOF", package: "atof-bridge"),
            ]
        ),
        // ns per span and MB/s of span -> OTLP protobuf (8 and 32 attributes) and -> OTLP/JSON.
        .executableTarget(
            name: "encode-bench",
            dependencies: [
                "BenchSupport",
                .product(name: "ATOF", package: "atof-bridge"),
                .product(name: "ATOFBridge", package: "atof-bridge"),
            ]
        ),
        // ns per call of a Codable LLM response and of a log record through ATOFLogHandler.
        .executableTarget(
            name: "app-bench",
            dependencies: [
                "BenchSupport",
                .product(name: "ATOFBridge", package: "atof-bridge"),
                .product(name: "ATOFInstrumentation", package: "atof-bridge"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "otel-bench",
            dependencies: [
                "BenchSupport",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "scope-bench",
            dependencies: [
                "BenchSupport",
                .product(name: "ATOF", package: "atof-bridge"),
                .product(name: "ATOFBridge", package: "atof-bridge"),
                .product(name: "ATOFInstrumentation", package: "atof-bridge"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
