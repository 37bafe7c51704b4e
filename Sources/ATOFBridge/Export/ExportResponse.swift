/// What the exporter takes from an OTLP receiver's answer: `partial_success` on success, the
/// message on failure (decoded by ``ExportResponseDecoding`` in the form the content type names).
enum ExportResponse {
    /// Spans rejected and the receiver's message from a 2xx body (protobuf or JSON, by content
    /// type); `(0, "")` for an empty body; `nil` when the body cannot be read.
    static func partialSuccess(_ response: HTTPResponse) -> (rejected: Int64, message: String)? {
        if response.body.isEmpty { return (0, "") }
        let decoded =
            isJSON(response.contentType)
            ? ExportResponseDecoding.partialSuccess(json: response.body)
            : ExportResponseDecoding.partialSuccess(protobuf: response.body)
        return decoded.map { ($0.rejectedSpans, $0.errorMessage) }
    }

    /// The receiver's explanation of a failure, at most 512 characters, on one line: the
    /// `message` of a `google.rpc.Status` (protobuf or JSON), else the body as text; secrets
    /// taken out by `redactor` before the text is cut (so no part of one survives the cut).
    static func failureMessage(_ response: HTTPResponse, redactor: SecretRedactor) -> String {
        guard !response.body.isEmpty else { return "" }
        let contentType = response.contentType?.lowercased() ?? ""
        var text: String
        if contentType.hasPrefix("application/x-protobuf") || contentType.hasPrefix("application/protobuf") {
            text = ExportResponseDecoding.statusMessage(protobuf: response.body) ?? ""
        } else if isJSON(response.contentType), let message = ExportResponseDecoding.statusMessage(json: response.body) {
            text = message
        } else {
            // Far more than the 512 characters kept, so that a secret across the end of what is
            // kept is still whole when it is redacted.
            text = String(decoding: response.body.prefix(65_536), as: UTF8.self)
        }
        text = redactor.redact(text)
        text = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 }).trimmingWhitespace()
        return text.count > 512 ? String(text.prefix(512)) + "…" : text
    }

    private static func isJSON(_ contentType: String?) -> Bool {
        contentType?.lowercased().hasPrefix("application/json") ?? false
    }
}
