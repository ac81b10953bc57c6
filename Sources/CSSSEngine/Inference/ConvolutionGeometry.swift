import CSSSKernels

/// Zero padding around an image, as a ZeroPadding2D layer adds it.
struct PaddingAmounts: Equatable {
    var top = 0, bottom = 0, left = 0, right = 0

    static let none = PaddingAmounts()
}

extension csss_conv_geometry {
    /// The geometry of a convolution over an `[height, width, channels]` input, with Keras's `padding`
    /// applied after the explicit `zeroPadding` of a folded ZeroPadding2D; `nil` when the (padded) input
    /// is smaller than the kernel.
    init?(input: [Int], outputChannels: Int, kernel: (Int, Int), strides: (Int, Int), dilation: (Int, Int),
          padding: Padding, zeroPadding: PaddingAmounts = .none) {
        guard input.count == 3,
              let rows = Self.axis(input[0], kernel.0, strides.0, dilation.0, padding,
                                   zeroPadding.top, zeroPadding.bottom),
              let columns = Self.axis(input[1], kernel.1, strides.1, dilation.1, padding,
                                      zeroPadding.left, zeroPadding.right)
        else { return nil }
        self.init(in_h: Int32(input[0]), in_w: Int32(input[1]), in_c: Int32(input[2]),
                  out_h: Int32(rows.output), out_w: Int32(columns.output), out_c: Int32(outputChannels),
                  kernel_h: Int32(kernel.0), kernel_w: Int32(kernel.1),
                  stride_h: Int32(strides.0), stride_w: Int32(strides.1),
                  dilation_h: Int32(dilation.0), dilation_w: Int32(dilation.1),
                  pad_top: Int32(rows.leading), pad_left: Int32(columns.leading))
    }

    /// The geometry of a ZeroPadding2D, as a 1×1 convolution whose output is the padded image.
    init(zeroPadding padding: PaddingAmounts, input: [Int]) {
        self.init(input: input, outputChannels: input[2], kernel: (1, 1), strides: (1, 1), dilation: (1, 1),
                  padding: .valid, zeroPadding: padding)!
    }

    /// The output shape `[height, width, channels]`.
    var outputShape: [Int] { [Int(out_h), Int(out_w), Int(out_c)] }

    /// Output extent and leading padding along one axis. TensorFlow's SAME gives `ceil(input / stride)`
    /// outputs and puts the odd pixel of padding after the image.
    private static func axis(_ input: Int, _ kernel: Int, _ stride: Int, _ dilation: Int, _ padding: Padding,
                             _ before: Int, _ after: Int) -> (output: Int, leading: Int)? {
        let padded = input + before + after, span = (kernel - 1) * dilation + 1
        guard kernel > 0, stride > 0, dilation > 0 else { return nil }
        switch padding {
        case .valid:
            guard padded >= span else { return nil }
            return ((padded - span) / stride + 1, before)
        case .same:
            guard padded > 0 else { return nil }
            let output = (padded + stride - 1) / stride
            let total = max((output - 1) * stride + span - padded, 0)
            return (output, before + total / 2)
        }
    }
}
