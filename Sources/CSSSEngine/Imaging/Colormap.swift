/// A table that turns an 8-bit intensity into a display colour, as OpenCV's `cv2.applyColorMap` does.
///
/// Only ``jet`` is defined; another map is another static member built from its own 256 colours.
public struct Colormap: Sendable, Equatable {
    /// The name it is asked for by, e.g. `"jet"`.
    public let name: String
    /// 256 colours, `R, G, B` each, for intensities 0…255.
    private let table: [UInt8]

    private init(name: String, color: (Int) -> (red: Int, green: Int, blue: Int)) {
        self.name = name
        table = (0..<256).flatMap { level in
            let (red, green, blue) = color(level)
            return [UInt8(clamping: red), UInt8(clamping: green), UInt8(clamping: blue)]
        }
    }

    /// The colour of `level`.
    public func color(_ level: UInt8) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let index = 3 * Int(level)
        return (table[index], table[index + 1], table[index + 2])
    }

    /// OpenCV's `COLORMAP_JET`, exactly: dark blue (0, 0, 128) at 0, through blue, cyan, yellow and red, to
    /// dark red (128, 0, 0) at 255.
    ///
    /// OpenCV's jet (`imgproc/src/colormap.cpp`) is 256 float literals a channel, scaled by 255 and rounded,
    /// and differs from matplotlib's `jet` by a level here and there. Its entries lie on ramps of 4 levels a
    /// step, clamped to 0…255: red `min(4i − 382, 1148 − 4i)`, green `min(4i − 128, 892 − 4i)` and blue
    /// `min(4i + 128, 638 − 4i)`, except blue at 159, which OpenCV's rounding makes 1 rather than 2. Checked
    /// against all 256 entries of `cv2.applyColorMap` in OpenCV 4.14.0 and 5.0.0 (the two tables are equal).
    public static let jet = Colormap(name: "jet") { level in
        let step = 4 * level
        return (red: min(step - 382, 1148 - step),
                green: min(step - 128, 892 - step),
                blue: level == 159 ? 1 : min(step + 128, 638 - step))
    }
}
