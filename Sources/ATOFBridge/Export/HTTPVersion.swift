/// The HTTP version used to talk to the collector.
public enum HTTPVersion: String, Sendable, Hashable, CaseIterable {
    /// libcurl's choice: HTTP/2 over TLS when the server offers it, HTTP/1.1 otherwise.
    case automatic = "auto"
    /// HTTP/1.1 only.
    case http1_1 = "1.1"
    /// Try HTTP/2 (negotiated or upgraded), fall back to HTTP/1.1.
    case http2 = "2"
    /// HTTP/2 without negotiation or upgrade (h2c "prior knowledge"); the server must speak HTTP/2.
    case http2PriorKnowledge = "2-prior-knowledge"
}
