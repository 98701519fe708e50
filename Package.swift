// swift-tools-version: 6.0
// hccedge — radiomics appliance for HCC studies. Research use only.
//
// Data flows down this list; a module imports only the ones above it:
//   CNIfTI, CJPEG, CGPIOD  — thin system-library shims (Debian -dev packages)
//   Imaging                — volumes, masks, geometry, NIfTI/JPEG readers and writers, study folders
//   Radiomics              — preprocessing and IBSI feature families (fixed-point core)
//   Clinical               — lesions, validated scores, frozen model, assessment and report
//   Appliance              — watcher, journal, status file, LEDs, self-test
//   hccedge                — the command-line executable
import PackageDescription

let niftiHeaders: [CSetting] = [.unsafeFlags(["-iwithsysroot/usr/include/nifti"])]
let niftiSwift: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-iwithsysroot/usr/include/nifti"])]

let package = Package(
    name: "hccedge",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "hccedge", targets: ["hccedge"]),
        .executable(name: "make-synthetic-cohort", targets: ["MakeSyntheticCohort"]),
        .executable(name: "bad-input-corpus", targets: ["BadInputCorpus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CNIfTI", path: "Sources/CNIfTI"),
        .systemLibrary(name: "CJPEG", path: "Sources/CJPEG"),
        .systemLibrary(name: "CGPIOD", path: "Sources/CGPIOD"),
        .target(name: "Imaging", dependencies: ["CNIfTI", "CJPEG"], swiftSettings: niftiSwift),
        .target(name: "Radiomics", dependencies: ["Imaging"], swiftSettings: niftiSwift),
        .target(name: "Clinical", dependencies: ["Imaging", "Radiomics"], swiftSettings: niftiSwift),
        .target(name: "Appliance", dependencies: ["Imaging", "Radiomics", "Clinical", "CGPIOD"], swiftSettings: niftiSwift),
        .executableTarget(
            name: "hccedge",
            dependencies: [
                "Imaging", "Radiomics", "Clinical", "Appliance",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: niftiSwift,
            // Full RELRO: bind every symbol at start so the GOT can be made read-only (the board reads strangers' files).
            linkerSettings: [.unsafeFlags(["-Xlinker", "-z", "-Xlinker", "now"])]),
        .executableTarget(name: "make-bench-cases", dependencies: ["Imaging"], path: "tools/make-bench-cases",
                          swiftSettings: niftiSwift),
        .executableTarget(
            name: "MakeSyntheticCohort", dependencies: ["Imaging", "Radiomics", "Clinical"],
            path: "tools/synthetic-cohort", swiftSettings: niftiSwift),
        // The reliability corpus generator (RELIABILITY.md §2): standalone (zlib only), builds in seconds.
        .systemLibrary(name: "CZlib", path: "tools/bad-input-corpus/CZlib"),
        .executableTarget(name: "BadInputCorpus", dependencies: ["CZlib"], path: "tools/bad-input-corpus", exclude: ["CZlib"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"], swiftSettings: niftiSwift),
        .testTarget(name: "RadiomicsTests", dependencies: ["Radiomics", "Imaging"], swiftSettings: niftiSwift),
        .testTarget(name: "ClinicalTests", dependencies: ["Clinical", "Radiomics", "Imaging"], swiftSettings: niftiSwift),
        .testTarget(name: "ApplianceTests", dependencies: ["Appliance", "Clinical", "Imaging"], swiftSettings: niftiSwift),
    ]
)
