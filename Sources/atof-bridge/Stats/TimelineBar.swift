/// Where a span sits in its trace's time window, drawn in a fixed number of cells: spaces up to
/// the cell where it starts, then `█` blocks to its end, the last cell a partial block (`▏`...`▉`,
/// eighths of a cell). A span shorter than an eighth of a cell is a thin `▏` where it starts.
enum TimelineBar {
    /// Partial blocks filling 1/8 ... 7/8 of a cell from the left.
    private static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// The bar for the span `start...end` in the window `windowStart...windowEnd`, `cells` wide
    /// (trailing spaces left out). A zero-length window puts every span at its left edge.
    static func draw(start: UInt64, end: UInt64, windowStart: UInt64, windowEnd: UInt64, cells: Int) -> String {
        guard cells > 0 else { return "" }
        let window = windowEnd > windowStart ? Double(windowEnd - windowStart) : 0
        /// The time as a count of eighths of a cell from the window's start.
        func eighth(_ time: UInt64) -> Int {
            guard window > 0, time > windowStart else { return 0 }
            return Int((min(1, Double(time - windowStart) / window) * Double(cells * 8)).rounded())
        }
        let startEighth = eighth(start)
        let endEighth = eighth(max(start, end))
        let startCell = min(startEighth / 8, cells - 1)
        var bar = String(repeating: " ", count: startCell)
        guard endEighth > startEighth else { return bar + "▏" }
        let fullCells = max(endEighth / 8 - startCell, 0)
        bar += String(repeating: "█", count: fullCells)
        if endEighth % 8 > 0 {
            bar.append(eighths[endEighth % 8 - 1])
        } else if fullCells == 0 {
            bar.append("▏")
        }
        return bar
    }
}
