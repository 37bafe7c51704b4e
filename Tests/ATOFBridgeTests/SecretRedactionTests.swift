import ATOFBridge
import Testing

@testable import ATOFBridge

@Suite("SecretRedactor: header values and URL credentials out of every message")
struct SecretRedactorTests {
    @Test("every occurrence of a header value becomes <redacted>, and the token of a Bearer value alone too")
    func headerValuesAreReplaced() {
        let redactor = SecretRedactor(secrets: ["Bearer SECRET-TOKEN-123", "SECRET-KEY-456"])
        let text =
            "Authorization: Bearer SECRET-TOKEN-123\nx-api-key: SECRET-KEY-456; token SECRET-TOKEN-123 is invalid; again SECRET-KEY-456"
        #expect(
            redactor.redact(text)
                == "Authorization: <redacted>\nx-api-key: <redacted>; token <redacted> is invalid; again <redacted>")
    }

    @Test("a secret followed by a combining mark is still found (bytes, not characters, are compared)")
    func secretBeforeCombiningMark() {
        let redactor = SecretRedactor(secrets: ["abcdef"])
        #expect(!redactor.redact("key abcdef\u{301} rejected").contains("abcdef"))
    }

    @Test("a JSON-escaped secret (slashes and quotes escaped) is found too")
    func jsonEscapedSecret() {
        let redactor = SecretRedactor(secrets: ["ab/cd\"ef"])
        #expect(redactor.redact(#"{"header":"ab\/cd\"ef"}"#) == #"{"header":"<redacted>"}"#)
    }

    @Test("values shorter than 4 characters are not treated as secrets, so messages stay readable")
    func shortValuesAreIgnored() {
        let redactor = SecretRedactor(secrets: ["eu", "1", "abc"])
        #expect(redactor.redact("region eu answered 1 of abc") == "region eu answered 1 of abc")
        #expect(SecretRedactor.minimumSecretLength == 4)
    }

    @Test("user:password@ is removed from every URL in a text, whatever the scheme, mistyped ones included")
    func credentialsInAnyScheme() {
        #expect(
            SecretRedactor.redactingCredentials("https://user:pw@collector:4318/v1/traces") == "https://<redacted>@collector:4318/v1/traces"
        )
        #expect(
            SecretRedactor.redactingCredentials(#"OTEL_EXPORTER_OTLP_ENDPOINT="htp://alice:PASSWORD-789@127.0.0.1:1/" is not a URL"#)
                == #"OTEL_EXPORTER_OTLP_ENDPOINT="htp://<redacted>@127.0.0.1:1/" is not a URL"#)
        #expect(SecretRedactor.redactingCredentials("--endpoint htp://alice:p@ss@host") == "--endpoint htp://<redacted>@host")
        #expect(
            SecretRedactor.redactingCredentials("a ftp://u:p@h?x and http://v:q@k#y")
                == "a ftp://<redacted>@h?x and http://<redacted>@k#y")
    }

    @Test("URLs without user information are left alone, an @ in the query included")
    func urlsWithoutCredentialsUnchanged() {
        #expect(SecretRedactor.redactingCredentials("http://collector:4318/v1/traces?a=b@c") == "http://collector:4318/v1/traces?a=b@c")
        #expect(SecretRedactor.redactingCredentials("mail me@example.com") == "mail me@example.com")
    }

    @Test("the endpoint's password is a secret as typed, percent-decoded and as the Basic credentials libcurl sends")
    func endpointUserInfoIsASecret() {
        var configuration = Bridge.Configuration()
        configuration.exporter.endpoint = "http://alice:PASS%2Fword@127.0.0.1:4318/v1/traces"
        let redactor = SecretRedactor(configuration: configuration.exporter)
        // base64("alice:PASS/word")
        let echoed = "Authorization: Basic YWxpY2U6UEFTUy93b3Jk; password PASS/word; raw PASS%2Fword"
        #expect(redactor.redact(echoed) == "Authorization: Basic <redacted>; password <redacted>; raw <redacted>")
    }

    @Test("every text of an ExportError is redacted")
    func exportErrorIsRedacted() {
        let redactor = SecretRedactor(secrets: ["TOPSECRET"])
        let errors: [ExportError] = [
            .httpStatus(401, message: "bad TOPSECRET"), .connection("TOPSECRET"), .timedOut("TOPSECRET"),
            .tls("TOPSECRET"), .request("Could not resolve http://bob:TOPSECRET@x"), .fallbackWrite("TOPSECRET"),
        ]
        for error in errors {
            #expect(!error.redacted(by: redactor).description.contains("TOPSECRET"), "\(error.redacted(by: redactor))")
        }
    }

    @Test("a secret across the 512-character cut of a failure message leaves no part behind")
    func secretAcrossTheCut() {
        let redactor = SecretRedactor(secrets: ["Bearer SECRET-TOKEN-123"])
        // The token starts at character 505 of the flattened text, so a cut at 512 falls inside it.
        let body = String(repeating: "x", count: 482) + " Authorization: Bearer SECRET-TOKEN-123 and more"
        let response = HTTPResponse(status: 401, body: Array(body.utf8), contentType: "text/plain", retryAfter: nil)
        let message = ExportResponse.failureMessage(response, redactor: redactor)
        #expect(!message.contains("SECRET"))
        #expect(message.hasPrefix("xxx") && message.count <= 513)
    }

    @Test("configuration warnings show a bad endpoint without its user:password@")
    func environmentWarningsAreRedacted() {
        for name in ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] {
            let configuration = Bridge.Configuration.fromEnvironment([name: "htp://alice:PASSWORD-789@127.0.0.1:1/"])
            #expect(configuration.warnings.count == 1)
            let warning = configuration.warnings.joined()
            #expect(warning.contains(name) && warning.contains("htp://<redacted>@127.0.0.1:1/"), "\(warning)")
            #expect(!warning.contains("PASSWORD-789") && !warning.contains("alice"))
            #expect(configuration.exporter.endpoint == "http://localhost:4318/v1/traces")
        }
    }
}

@Suite("No secret in logs or errors when the receiver echoes the request's headers")
struct EchoedSecretsTests {
    typealias Support = ExportTestSupport

    static let token = "Bearer SECRET-TOKEN-123"
    static let key = "SECRET-KEY-456"
    static let secrets = ["SECRET-TOKEN-123", "SECRET-KEY-456", "PASSWORD-789", "YWxpY2U6UEFTU1dPUkQtNzg5"]

    /// Exports one batch to a server answering `action`, with two secret headers and a password in
    /// the URL; returns the failure's description and every log line.
    private func export(answering action: TestOTLPServer.Action) throws -> (failure: String, logs: [String], server: TestOTLPServer) {
        let server = try TestOTLPServer(script: [action])
        let logs = CapturedLogs()
        var configuration = Support.configuration(url: "http://alice:PASSWORD-789@127.0.0.1:\(server.port)/v1/traces")
        configuration.exporter.headers = [
            HTTPHeader(name: "Authorization", value: Self.token), HTTPHeader(name: "x-api-key", value: Self.key),
        ]
        let exporter = try OTLPHTTPExporter(configuration: configuration.exporter, logger: logs.logger())
        let result = exporter.export(Support.batch(count: 2))
        #expect(result.undeliveredCount == 2 || result.rejected > 0)
        return (result.failure.map(\.description) ?? "", logs.all, server)
    }

    @Test(
        "a 401 echoing the headers as text, as a google.rpc.Status or as JSON is reported without any secret",
        arguments: [TestOTLPServer.EchoFormat.text, .protobufStatus, .jsonStatus])
    func echoed401(format: TestOTLPServer.EchoFormat) throws {
        let (failure, logs, server) = try export(answering: .echoHeaders(status: 401, format: format))
        defer { server.stop() }
        // The server really did receive (and echo) the secrets.
        let request = try #require(server.requests.first)
        #expect(request.header("authorization") == Self.token && request.header("x-api-key") == Self.key)
        #expect(
            failure.contains("HTTP 401") && failure.contains("Authorization: <redacted>") && failure.contains("x-api-key: <redacted>"),
            "\(failure)")
        #expect(!logs.isEmpty)
        for text in [failure] + logs {
            for secret in Self.secrets { #expect(!text.contains(secret), "\(secret) in: \(text)") }
        }
    }

    @Test("a partial_success message that quotes a header value is logged without it")
    func partialSuccessMessage() throws {
        let (_, logs, server) = try export(answering: .partialSuccess(rejected: 1, message: "span rejected for key SECRET-KEY-456"))
        defer { server.stop() }
        #expect(logs.contains { $0.contains("rejected 1 span(s): span rejected for key <redacted>") }, "\(logs)")
        #expect(logs.allSatisfy { !$0.contains("SECRET-KEY-456") })
    }
}
