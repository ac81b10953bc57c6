// swift-tools-version:6.2
import PackageDescription

/// The engine runs whole networks inside `swift test`, whose default build is unoptimised: at -Onone its
/// kernels are 100–300× slower, so its targets are optimised in every configuration.
let optimisedSwift: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
let optimisedC: [CSetting] = [.unsafeFlags(["-O2"], .when(configuration: .debug))]

let package = Package(
    name: "CSSS",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "csss", targets: ["CSSSTerm"]),
        .library(name: "CSSSEngine", targets: ["CSSSEngine"]),
        .library(name: "CSSSStore", targets: ["CSSSStore"]),
        .library(name: "CSSSClinic", targets: ["CSSSClinic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // Thin C targets: each only imports a system library or holds a SIMD kernel.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        .target(name: "CSSSKernels", cSettings: optimisedC),

        .target(
            name: "CSSSEngine",
            dependencies: [
                "CPNG", "CTurboJPEG", "CHDF5", "CSSSKernels",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            swiftSettings: optimisedSwift
        ),
        .target(name: "CSSSStore"),
        .target(
            name: "CSSSClinic",
            dependencies: [
                "CSSSEngine", "CSSSStore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "CSSSTerm",
            dependencies: [
                "CSSSClinic",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Locates the shared fixtures for every test target.
        .target(name: "CSSSTestSupport", path: "Tests/CSSSTestSupport"),
        .testTarget(
            name: "CSSSEngineTests",
            dependencies: ["CSSSEngine", "CSSSTestSupport"],
            exclude: ["Resources"],  // read from the source tree by path, not bundled
            swiftSettings: optimisedSwift
        ),
        .testTarget(name: "CSSSStoreTests", dependencies: ["CSSSStore"]),
        .testTarget(name: "CSSSClinicTests", dependencies: ["CSSSClinic", "CSSSTestSupport"]),
        .testTarget(
            name: "CSSSTermTests",
            dependencies: [
                "CSSSTerm", "CSSSClinic", "CSSSTestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ]
)
