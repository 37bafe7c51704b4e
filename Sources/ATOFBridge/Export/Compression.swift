/// The compression of the request body.
public enum Compression: String, Sendable, Hashable, CaseIterable {
    /// The body is sent as it is.
    case none
    /// The body is gzip-compressed and sent with `Content-Encoding: gzip`.
    case gzip
}
