import ATOF

/// Reading what an OTLP receiver answered: `partial_success` on success, the message on failure.
enum ExportResponse {
    /// Spans rejected and the receiver's message from a 2xx body (protobuf or JSON, by content
    /// type); `(0, "")` for an empty body; `nil` when the body cannot be read.
    static func partialSuccess(_ response: HTTPResponse) -> (rejected: Int64, message: String)? {
        if response.body.isEmpty { return (0, "") }
        if isJSON(response.contentType) {
            guard let value = try? JSONParser.parse(response.body) else { return nil }
            guard let partial = value["partialSuccess"] else { return (0, "") }
            let rejected = partial["rejectedSpans"].flatMap { $0.int64Value ?? $0.stringValue.flatMap { Int64($0) } } ?? 0
            return (rejected, partial["errorMessage"]?.stringValue ?? "")
        }
        return ProtobufEncoder().decodeResponse(response.body).map { ($0.rejectedSpans, $0.errorMessage) }
    }

    /// The receiver's explanation of a failure, at most 512 characters, on one line: the
    /// `message` of a `google.rpc.Status` (protobuf or JSON), else the body as text; secrets
    /// taken out by `redactor` before the text is cut (so no part of one survives the cut).
    static func failureMessage(_ response: HTTPResponse, redactor: SecretRedactor) -> String {
        guard !response.body.isEmpty else { return "" }
        let contentType = response.contentType?.lowercased() ?? ""
        var text: String
        if contentType.hasPrefix("application/x-protobuf") || contentType.hasPrefix("application/protobuf") {
            text = statusMessage(protobuf: response.body) ?? ""
        } else if isJSON(response.contentType), let message = (try? JSONParser.parse(response.body))?["message"]?.stringValue {
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

    /// Field 2 (`message`) of a protobuf `google.rpc.Status`.
    static func statusMessage(protobuf bytes: [UInt8]) -> String? {
        var index = 0
        func varint() -> UInt64? { ProtobufWire.readVarint(bytes, at: &index) }
        while index < bytes.count {
            guard let key = varint() else { return nil }
            switch key & 7 {
            case 0: guard varint() != nil else { return nil }
            case 1: index += 8
            case 5: index += 4
            case 2:
                guard let length = varint(), length <= UInt64(bytes.count - index) else { return nil }
                let end = index + Int(length)
                if key >> 3 == 2 { return String(decoding: bytes[index..<end], as: UTF8.self) }
                index = end
            default: return nil
            }
        }
        return nil
    }
}
