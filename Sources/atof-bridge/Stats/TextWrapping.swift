/// Lays out a list of items (`5 spans`, `1 error`, ...) on as few lines as fit a width.
enum TextWrapping {
    /// `lead` then the items separated by commas, broken before an item that would pass `width`;
    /// continuation lines start with two spaces. Anything still too long is cut (`…`).
    static func lines(_ lead: String, _ items: [String], width: Int) -> [String] {
        var lines: [String] = []
        var current = lead
        for (position, item) in items.enumerated() {
            let piece = position < items.count - 1 ? item + "," : item
            if current.isEmpty {
                current = piece
            } else if DisplayWidth.of(current) + 1 + DisplayWidth.of(piece) <= width {
                current += " " + piece
            } else {
                lines.append(current)
                current = "  " + piece
            }
        }
        lines.append(current)
        return lines.map { DisplayWidth.truncate($0, to: width) }
    }
}
