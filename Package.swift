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
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
    ],
    targets: [
        // Thin C targets: each only imports a system library or holds a SIMD kernel.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "COpenJPEG", pkgConfig: "libopenjp2", providers: [.apt(["libopenjp2-7-dev"])]),
        .systemLibrary(name: "CCharLS", pkgConfig: "charls", providers: [.apt(["libcharls-dev"])]),
        .systemLibrary(name: "CSSSZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),  // ZIPFoundation owns "CZLib"
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo-pdf", providers: [.apt(["libcairo2-dev"])]),
        // Pango lays out and shapes the report's text (wrapping, Devanagari, Tamil) on cairo.
        .systemLibrary(name: "CPango", pkgConfig: "pangocairo", providers: [.apt(["libpango1.0-dev"])]),
        .systemLibrary(name: "CQPDF", pkgConfig: "libqpdf", providers: [.apt(["libqpdf-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CSSSKernels", cSettings: optimisedC),
        // libjpeg with its own error manager (setjmp) for DICOM's 8- and 12-bit lossy JPEG.
        .target(
            name: "CSSSJPEGShim",
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("gdcmjpeg12")]
        ),

        .target(
            name: "CSSSEngine",
            dependencies: [
                "CPNG", "CTurboJPEG", "CHDF5", "CSSSKernels",
                "COpenJPEG", "CCharLS", "CSSSZlib", "CSSSJPEGShim",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),  // SHA-256 of dataset files
            ],
            swiftSettings: optimisedSwift
        ),
        .target(
            name: "CSSSStore",
            dependencies: [
                "CArgon2",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CSSSClinic",
            dependencies: [
                "CSSSEngine", "CSSSStore", "CQREncode", "CCairo", "CPango", "CQPDF", "CCurl",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "JWTKit", package: "jwt-kit"),
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
            dependencies: [
                "CSSSEngine", "CSSSTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),  // SHA-256 of decoded DICOM pixels
            ],
            exclude: ["Resources"],  // read from the source tree by path, not bundled
            swiftSettings: optimisedSwift
        ),
        .testTarget(
            name: "CSSSStoreTests",
            dependencies: [
                "CSSSStore", "CSSSTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "CSSSClinicTests",
            dependencies: [
                "CSSSClinic", "CSSSStore", "CSSSTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "CSSSTermTests",
            dependencies: [
                "CSSSTerm", "CSSSClinic", "CSSSTestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
    ]
)
