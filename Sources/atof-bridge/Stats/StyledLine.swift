/// One line of the text report made of pieces with a style, so that it can be cut to the width
/// first and coloured after (escape sequences never count against the width).
struct StyledLine {
    /// How a piece is shown on a colour terminal.
    enum Style {
        case plain
        /// Errors: red.
        case error
        /// Timeline bars: dim.
        case dim
    }

    /// The pieces, left to right.
    var pieces: [(text: String, style: Style)] = []

    init() {}

    init(_ text: String, style: Style = .plain) {
        pieces = [(text, style)]
    }

    /// Appends a piece.
    mutating func append(_ text: String, style: Style = .plain) {
        pieces.append((text, style))
    }

    /// The line cut to `width` columns (the last piece that does not fit ends with `…`), without
    /// trailing spaces.
    func fitted(to width: Int) -> StyledLine {
        var result = StyledLine()
        var used = 0
        for piece in pieces {
            let pieceWidth = DisplayWidth.of(piece.text)
            if used + pieceWidth <= width {
                result.append(piece.text, style: piece.style)
                used += pieceWidth
            } else {
                result.append(DisplayWidth.truncate(piece.text, to: width - used), style: piece.style)
                break
            }
        }
        result.trimTrailingSpaces()
        return result
    }

    private mutating func trimTrailingSpaces() {
        while let last = pieces.last {
            let text = DisplayWidth.trimmingTrailingSpaces(last.text)
            if text.isEmpty {
                pieces.removeLast()
            } else {
                pieces[pieces.count - 1].text = text
                return
            }
        }
    }

    /// The text, with ANSI colour when `colour` is set.
    func rendered(colour: Bool) -> String {
        var text = ""
        for piece in pieces {
            switch (colour, piece.style) {
            case (true, .error): text += "\u{1B}[31m" + piece.text + "\u{1B}[0m"
            case (true, .dim): text += "\u{1B}[2m" + piece.text + "\u{1B}[0m"
            default: text += piece.text
            }
        }
        return text
    }
}
