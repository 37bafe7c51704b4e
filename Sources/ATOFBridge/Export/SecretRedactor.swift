/// Takes secrets out of text before it is logged or shown: the one place where messages are
/// redacted.
///
/// - Every configured header value (`OTEL_EXPORTER_OTLP_[TRACES_]HEADERS`, `--header`,
///   ``OTLPExporterConfiguration/headers``) becomes `<redacted>` wherever it occurs, as does the credential
///   part of an `Authorization`-style value (`Bearer TOKEN`: `TOKEN` alone too) and the
///   JSON-escaped form of each. Receivers and gateways echo request headers in their error
///   messages; the user name and password of the endpoint URL are treated the same way (as
///   typed, percent-decoded, and as the `Basic` credentials libcurl sends for them).
/// - Values shorter than ``minimumSecretLength`` (4) characters are left alone: a value such as
///   `eu` or `1` is no credential, and replacing every `eu` or `1` in a message would make the
///   message unreadable.
/// - The `user:password@` of every `scheme://user:password@host` in the text becomes
///   `<redacted>@`, whatever the scheme (a mistyped `htp://` too). The user information ends at
///   the last `@` before the first `/`, `?`, `#`, white space or quote after `://`, as in a URL,
///   so a password must percent-encode those characters (as URLs require) to be found.
///
/// Apply it where an error or a receiver's message is turned into text: the exporter's
/// ``ExportError``s and log messages, the configuration's warnings, the command line's errors.
package struct SecretRedactor: Sendable, Hashable {
    /// What a secret is replaced with.
    package static let placeholder = "<redacted>"
    /// Shorter values are not treated as secrets (see the type's documentation).
    package static let minimumSecretLength = 4

    /// The strings to replace, longest first (so a value is replaced whole before a part of it).
    private let secrets: [String]

    /// A redactor for these secret strings (and their credential parts and escaped forms).
    package init(secrets: some Sequence<String>) {
        var found: Set<String> = []
        for secret in secrets {
            var forms = [secret]
            // `Bearer TOKEN`, `Basic QWxh...`: a receiver may echo the token alone.
            if let space = secret.firstIndex(of: " ") {
                forms.append(secret[secret.index(after: space)...].trimmingWhitespace())
            }
            for form in forms where form.count >= Self.minimumSecretLength {
                found.insert(form)
                found.insert(Self.jsonEscaped(form))
            }
        }
        self.secrets = found.sorted { $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0 < $1 }
    }

    /// A redactor for the header values and the endpoint's user information of `configuration`.
    package init(configuration: OTLPExporterConfiguration) {
        self.init(secrets: configuration.headers.map(\.value) + Self.userInfoSecrets(configuration.endpoint))
    }

    /// The number of UTF-8 bytes of the longest secret (0 without any).
    package var longestSecretByteCount: Int { secrets.first?.utf8.count ?? 0 }

    /// `text` with every secret replaced by `<redacted>` and the user information of every URL
    /// removed.
    package func redact(_ text: String) -> String {
        guard !secrets.isEmpty else { return Self.redactingCredentials(text) }
        // Compared as UTF-8 bytes, not as Characters: a combining mark after a secret must not
        // hide it. A valid UTF-8 secret can only match whole scalars of valid UTF-8 text.
        var bytes = Array(text.utf8)
        var changed = false
        for secret in secrets {
            if let replaced = Self.replacing(Array(secret.utf8), in: bytes) {
                bytes = replaced
                changed = true
            }
        }
        return Self.redactingCredentials(changed ? String(decoding: bytes, as: UTF8.self) : text)
    }

    /// `bytes` with every occurrence of `secret` replaced by the placeholder; `nil` when there is none.
    private static func replacing(_ secret: [UInt8], in bytes: [UInt8]) -> [UInt8]? {
        guard let first = secret.first, bytes.count >= secret.count else { return nil }
        var result: [UInt8] = []
        var copied = 0
        var index = 0
        while index + secret.count <= bytes.count {
            if bytes[index] == first, bytes[index..<(index + secret.count)].elementsEqual(secret) {
                result += bytes[copied..<index]
                result += placeholder.utf8
                index += secret.count
                copied = index
            } else {
                index += 1
            }
        }
        guard copied > 0 else { return nil }
        result += bytes[copied...]
        return result
    }

    /// `text` with the `user:password@` of every `scheme://user:password@host` replaced by
    /// `<redacted>@`, for any scheme; the rest is unchanged.
    package static func redactingCredentials(_ text: String) -> String {
        guard text.contains("://") else { return text }
        var result = ""
        var rest = text[...]
        while let separator = rest.firstRange(of: "://") {
            let start = separator.upperBound
            let end = rest[start...].firstIndex { "/?#\"'<>`".contains($0) || $0.isWhitespace } ?? rest.endIndex
            result += rest[..<start]
            if let at = rest[start..<end].lastIndex(of: "@") {
                result += placeholder
                result += rest[at..<end]
            } else {
                result += rest[start..<end]
            }
            rest = rest[end...]
        }
        result += rest
        return result
    }

    // MARK: - Secrets of the endpoint URL

    /// The user information of `url` as typed, its password as typed and percent-decoded, and
    /// `Basic` credentials (base64 of the decoded `user:password`) as libcurl sends them.
    private static func userInfoSecrets(_ url: String) -> [String] {
        guard let separator = url.firstRange(of: "://") else { return [] }
        let rest = url[separator.upperBound...]
        let end = rest.firstIndex { "/?#".contains($0) } ?? rest.endIndex
        guard let at = rest[..<end].lastIndex(of: "@") else { return [] }
        let userInfo = String(rest[..<at])
        var secrets = [userInfo]
        if let colon = userInfo.firstIndex(of: ":") {
            let password = String(userInfo[userInfo.index(after: colon)...])
            secrets.append(password)
            if let decoded = EnvironmentValue.percentDecoded(password) { secrets.append(decoded) }
        }
        if let decoded = EnvironmentValue.percentDecoded(userInfo) {
            secrets.append(base64(Array(decoded.utf8)))
        }
        return secrets
    }

    /// Standard base64 with padding.
    private static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            var group = UInt32(bytes[index]) << 16
            if count > 1 { group |= UInt32(bytes[index + 1]) << 8 }
            if count > 2 { group |= UInt32(bytes[index + 2]) }
            for position in 0..<4 {
                output.append(position <= count ? alphabet[Int(group >> UInt32(18 - 6 * position)) & 63] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The text as it appears inside a JSON string when `\`, `"` and `/` are escaped.
    private static func jsonEscaped(_ text: String) -> String {
        guard text.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "/" }) else { return text }
        var escaped = ""
        for character in text {
            if character == "\\" || character == "\"" || character == "/" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
