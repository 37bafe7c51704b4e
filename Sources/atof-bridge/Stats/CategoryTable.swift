/// The per-category figures as a table (one row per category and a `total` row), or, when the
/// table is wider than the width, as a few wrapped lines per category.
struct CategoryTable {
    let statistics: RunStatistics
    let width: Int

    private static let headers = ["category", "spans", "errors", "p50 ms", "p95 ms", "max ms", "tokens in", "tokens out"]

    /// The lines.
    func lines() -> [String] {
        let rows = (statistics.categories + [statistics.total]).map(Self.cells)
        let columns = Self.headers.indices.map { column in
            (rows.map { $0[column] } + [Self.headers[column]]).map(DisplayWidth.of).max() ?? 0
        }
        let tableWidth = columns.reduce(0, +) + 2 * (columns.count - 1)
        guard tableWidth <= width else { return stacked() }
        return ([Self.headers] + rows).map { cells in
            let padded = cells.enumerated().map { column, text in
                column == 0 ? DisplayWidth.padRight(text, to: columns[column]) : DisplayWidth.padLeft(text, to: columns[column])
            }
            return DisplayWidth.trimmingTrailingSpaces(padded.joined(separator: "  "))
        }
    }

    /// One row's cells, in header order.
    private static func cells(_ figures: CategoryFigures) -> [String] {
        [
            DisplayWidth.printable(figures.name), String(figures.spanCount), String(figures.errorCount),
            TimeText.milliseconds(figures.durations.p50), TimeText.milliseconds(figures.durations.p95),
            TimeText.milliseconds(figures.durations.max), String(figures.inputTokens), String(figures.outputTokens),
        ]
    }

    /// The narrow form: `agent: 1 span, 0 errors, p50 4.295 ms, ...`, wrapped.
    private func stacked() -> [String] {
        (statistics.categories + [statistics.total]).flatMap { figures in
            TextWrapping.lines(
                DisplayWidth.printable(figures.name) + ":",
                [
                    plural(figures.spanCount, "span"), plural(figures.errorCount, "error"),
                    "p50 \(TimeText.milliseconds(figures.durations.p50)) ms",
                    "p95 \(TimeText.milliseconds(figures.durations.p95)) ms",
                    "max \(TimeText.milliseconds(figures.durations.max)) ms",
                    "\(figures.inputTokens) tokens in", "\(figures.outputTokens) tokens out",
                ], width: width)
        }
    }
}
