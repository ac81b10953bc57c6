/// Draws a ``Heatmap`` over a scan the way the seed did with OpenCV:
///
/// ```python
/// heatmap = cv2.resize(heatmap, (w, h))                                          # BilinearResizer
/// heatmap = cv2.applyColorMap(np.uint8(255 * heatmap), cv2.COLORMAP_JET)        # Colormap.jet
/// overlay = cv2.addWeighted(img, 1 - alpha, heatmap, alpha, 0)                  # blend
/// ```
///
/// ```swift
/// let overlay = HeatmapOverlay().overlay(map, on: scan)
/// try overlay.writePNG(to: URL(fileURLWithPath: "heatmap.png"))
/// ```
///
/// Step by step:
/// 1. The map is stretched over the whole scan with ``BilinearResizer`` (OpenCV's `INTER_LINEAR`), since the
///    model saw the whole scan stretched to its input size.
/// 2. Each value `v` becomes the level `UInt8(255 * v)`, truncated in float32 as numpy's `np.uint8` does,
///    and the level its colour in ``colormap``.
/// 3. Each sample is `scan × (1 − alpha) + colour × alpha` in float32, rounded half to even and clamped to
///    0…255 (`addWeighted`'s `saturate_cast`). As in OpenCV's AVX2 code, which x86-64 machines since 2013
///    run, `colour × alpha` is rounded and the scan's product is added to it in one fused multiply-add. At
///    alpha 0.4 the sum is `(3 scan + 2 colour) / 5`, never within 0.1 of a half, so the rounding steps cannot
///    move a pixel; at other alphas fusing can, and this follows OpenCV.
///
/// The scan is taken as 8-bit RGB (``Image/rgbBytes()``: gray replicated, 16-bit samples reduced to their
/// high byte), as `cv2.imread` gives it. An all-zero map is valid: the whole overlay is tinted with the colour
/// of 0, dark blue, as OpenCV draws it; nothing is divided by the map's maximum here.
public struct HeatmapOverlay: Sendable {
    /// The colours of the map; ``Colormap/jet`` unless chosen otherwise.
    public let colormap: Colormap
    /// The heatmap's weight in the blend, 0…1; the scan's is `1 − alpha`.
    public let alpha: Double

    /// The seed's drawing: jet at alpha 0.4.
    public init() {
        colormap = .jet
        alpha = 0.4
    }

    /// An overlay with its own colour map and weight.
    ///
    /// - Throws: ``HeatmapError/optionOutOfRange(name:value:allowed:)`` when `alpha` is not within 0…1.
    public init(colormap: Colormap = .jet, alpha: Double = 0.4) throws(HeatmapError) {
        guard (0...1).contains(alpha) else { throw .optionOutOfRange(name: "alpha", value: alpha, allowed: "[0, 1]") }
        self.colormap = colormap
        self.alpha = alpha
    }

    /// The coloured map alone, stretched to `width × height`, as 8-bit RGB.
    ///
    /// - Precondition: `width` and `height` are positive.
    /// - Complexity: O(width × height).
    public func coloredHeatmap(_ map: Heatmap, width: Int, height: Int) -> Image {
        let resized = BilinearResizer(width: map.width, height: map.height, outputWidth: width, outputHeight: height)
            .resize(map.values)
        var samples = [UInt8](repeating: 0, count: 3 * resized.count)
        samples.withUnsafeMutableBufferPointer { output in
            for (pixel, value) in resized.enumerated() {
                // `Int(_:)` truncates, as numpy's cast does. Mixing values in 0…1 stays within an ulp of
                // that range, so the level cannot pass 255.
                let color = colormap.color(UInt8(clamping: Int(255 * value)))
                output[3 &* pixel] = color.red
                output[3 &* pixel &+ 1] = color.green
                output[3 &* pixel &+ 2] = color.blue
            }
        }
        return Image(width: width, height: height, colorModel: .rgb, samples: .uint8(samples))
    }

    /// The map drawn over `scan`, at the scan's size, as 8-bit RGB.
    ///
    /// - Complexity: O(scan pixels).
    public func overlay(_ map: Heatmap, on scan: Image) -> Image {
        let heatmap = coloredHeatmap(map, width: scan.width, height: scan.height).bytes()
        let scanWeight = Float(1 - alpha), heatmapWeight = Float(alpha)
        let blended = zip(scan.rgbBytes(), heatmap).map { scanSample, heatmapSample in
            // OpenCV's v_fma(scan, scanWeight, v_fma(colour, alpha, 0)).
            let sum = (Float(heatmapSample) * heatmapWeight).addingProduct(Float(scanSample), scanWeight)
            return UInt8(clamping: Int(sum.rounded(.toNearestOrEven)))
        }
        return Image(width: scan.width, height: scan.height, colorModel: .rgb, samples: .uint8(blended))
    }
}
