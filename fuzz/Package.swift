// swift-tools-version:6.1
// Coverage-guided fuzzing of the ATOF reading path with libFuzzer (scripts/fuzz.sh builds and runs
// it). A package apart, like benchmarks/: it depends on the main package by path and only on the
// `ATOF` product (pure Swift, no C), so the sanitizer flags reach nothing else and the main build
// is unaffected. Each executable is one libFuzzer entry point (`LLVMFuzzerTestOneInput`).
import PackageDescription

let package = Package(
    name: "atof-bridge-fuzz",
    dependencies: [
        .package(name: "atof-bridge", path: ".."),
    ],
    targets: [
        // What the fuzzers share: stopping on a broken property, the scratch file.
        .target(name: "FuzzSupport"),
        // JSONParser alone; a parsed value must survive writing and parsing again.
        .executableTarget(
            name: "fuzz-json-parser",
            dependencies: ["FuzzSupport", .product(name: "ATOF", package: "atof-bridge")]
        ),
        // One line through EventReader.decode(line:number:source:); an event must survive encoding.
        .executableTarget(
            name: "fuzz-event-decoder",
            dependencies: ["FuzzSupport", .product(name: "ATOF", package: "atof-bridge")]
        ),
        // The input as a whole file through JSONLReader (small read chunks) and EventReader.
        .executableTarget(
            name: "fuzz-line-reader",
            dependencies: ["FuzzSupport", .product(name: "ATOF", package: "atof-bridge")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
