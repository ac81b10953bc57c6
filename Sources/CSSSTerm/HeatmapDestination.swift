import Foundation

/// Where `csss predict --heatmap PATH` writes overlays: the file itself for one image named `*.png`,
/// otherwise a folder (created if needed) holding `<image name>.gradcam.png` per image.
struct HeatmapDestination {
    private enum Kind {
        case file(URL)
        case folder(URL)
    }

    private let kind: Kind

    init(path: String, imageCount: Int) throws {
        let url = URL(fileURLWithPath: path)
        if imageCount == 1, url.pathExtension.lowercased() == "png" {
            kind = .file(url)
        } else {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            kind = .folder(url)
        }
    }

    /// The overlay's location for the image at `imagePath`.
    func url(for imagePath: String) -> URL {
        switch kind {
        case .file(let url): url
        case .folder(let folder):
            folder.appendingPathComponent(URL(fileURLWithPath: imagePath).deletingPathExtension().lastPathComponent + ".gradcam.png")
        }
    }
}
