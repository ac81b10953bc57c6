/// How an image is drawn in a terminal, from the richest to the plainest.
///
/// The text modes give every character cell two stacked pixels (the upper half block `▀`, coloured
/// foreground over background); ``ascii`` gives it one shade character; ``sixel`` draws real pixels.
enum TerminalGraphicsMode: String, CaseIterable, Sendable {
    /// DEC sixel graphics: true pixels in up to 256 colours, for terminals that report sixel support.
    case sixel
    /// Half blocks in 24-bit colour (`ESC[38;2;r;g;bm`, `ESC[48;2;r;g;bm`).
    case truecolor
    /// Half blocks in the xterm 256-colour palette: the 6×6×6 cube and the 24-step grey ramp.
    case xterm256 = "256"
    /// Half blocks in the 16 ANSI colours.
    case ansi16 = "16"
    /// One character of a luminance ramp per cell, no escape sequences at all: for `TERM=dumb`,
    /// non-UTF-8 locales, files and printers.
    case ascii
}
