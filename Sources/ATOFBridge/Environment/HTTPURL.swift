/// An `http` or `https` URL cut at the start of its path and at its query or fragment.
struct HTTPURL {
    /// `scheme://authority`.
    var origin: Substring
    /// Empty or starting with `/`.
    var path: Substring
    /// Empty or starting with `?` or `#`.
    var suffix: Substring

    /// Parses `text` (trimmed of spaces and tabs); `nil` without an `http`/`https` scheme or a
    /// host, or with white space inside.
    init?(_ text: String) {
        let text = EnvironmentValue.trimmed(text)
        guard !text.contains(where: \.isWhitespace), let separator = text.firstRange(of: "://"),
            ["http", "https"].contains(text[..<separator.lowerBound].lowercased())
        else { return nil }
        let rest = text[separator.upperBound...]
        let pathStart = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        guard pathStart > rest.startIndex else { return nil }
        let suffixStart = rest[pathStart...].firstIndex { "?#".contains($0) } ?? rest.endIndex
        origin = text[..<pathStart]
        path = text[pathStart..<suffixStart]
        suffix = text[suffixStart...]
    }

    /// The URL as it was parsed.
    var text: String { String(origin + path + suffix) }
    /// The URL with an empty path written as `/`.
    var verbatim: String { path.isEmpty ? String(origin + "/" + suffix) : text }
}
