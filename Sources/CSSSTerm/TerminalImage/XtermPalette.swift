/// The colours a 256-colour or 16-colour terminal can show, and the nearest of them to any colour.
enum XtermPalette {
    /// The 16 ANSI colours as xterm draws them by default: black, red, green, yellow, blue, magenta, cyan,
    /// white, then the bright eight in the same order. Users can re-theme these; the nearest is still the
    /// best guess.
    static let ansi16: [RGB] = [
        RGB(r: 0, g: 0, b: 0), RGB(r: 205, g: 0, b: 0), RGB(r: 0, g: 205, b: 0), RGB(r: 205, g: 205, b: 0),
        RGB(r: 0, g: 0, b: 238), RGB(r: 205, g: 0, b: 205), RGB(r: 0, g: 205, b: 205), RGB(r: 229, g: 229, b: 229),
        RGB(r: 127, g: 127, b: 127), RGB(r: 255, g: 0, b: 0), RGB(r: 0, g: 255, b: 0), RGB(r: 255, g: 255, b: 0),
        RGB(r: 92, g: 92, b: 255), RGB(r: 255, g: 0, b: 255), RGB(r: 0, g: 255, b: 255), RGB(r: 255, g: 255, b: 255),
    ]

    /// The six levels of each channel in the 6×6×6 colour cube, entries 16…231.
    static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// The nearest of the 6×6×6 cube (16…231) and the 24-step grey ramp (232…255, levels 8, 18, … 238).
    ///
    /// The 16 ANSI entries (0…15) are left out because users re-theme them. A grey is usually nearer a ramp
    /// step than a cube entry (the ramp has 24 levels, the cube's greys 6), so gray scans keep their tones.
    static func nearest256(to colour: RGB) -> UInt8 {
        let r = cubeStep(colour.r), g = cubeStep(colour.g), b = cubeStep(colour.b)
        let cube = RGB(r: cubeLevels[r], g: cubeLevels[g], b: cubeLevels[b])
        let mean = (Int(colour.r) + Int(colour.g) + Int(colour.b)) / 3
        let greyStep = min(23, max(0, (mean - 3) / 10))
        let greyLevel = UInt8(8 + 10 * greyStep)
        let grey = RGB(r: greyLevel, g: greyLevel, b: greyLevel)
        return colour.distanceSquared(to: grey) < colour.distanceSquared(to: cube)
            ? UInt8(232 + greyStep)
            : UInt8(16 + 36 * r + 6 * g + b)
    }

    /// The nearest of the 16 ANSI colours; greys land on black, bright black, white or bright white.
    static func nearest16(to colour: RGB) -> UInt8 {
        var best = 0, bestDistance = Int.max
        for (index, entry) in ansi16.enumerated() {
            let distance = colour.distanceSquared(to: entry)
            if distance < bestDistance { (best, bestDistance) = (index, distance) }
        }
        return UInt8(best)
    }

    /// The index of the cube level nearest `value`: the thresholds are the midpoints between levels.
    private static func cubeStep(_ value: UInt8) -> Int {
        switch value {
        case ..<48: 0
        case ..<115: 1
        default: (Int(value) - 35) / 40
        }
    }
}
