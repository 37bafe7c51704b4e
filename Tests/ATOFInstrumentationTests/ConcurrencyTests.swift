import ATOF
import Testing

@testable import ATOFInstrumentation

extension InstrumentationSuite {
    @Suite("Parent chains across tasks")
    struct ConcurrencyTests {
        typealias H = Harness

        @Test("async let children have the enclosing scope as parent")
        func asyncLetChildren() async throws {
            let log = try H.capture()
            defer { H.reset() }
            await withAgentScope("fan-out") {
                async let first = withToolCall(name: "first") { "1" }
                async let second = withToolCall(name: "second") { "2" }
                let results = await [first, second]
                #expect(results == ["1", "2"])
            }
            let agent = try #require(log.start("fan-out"))
            #expect(log.start("first")?.parentUUID == agent.uuid)
            #expect(log.start("second")?.parentUUID == agent.uuid)
        }

        @Test("task-group children and their own children chain to the right parents")
        func taskGroupChildren() async throws {
            let log = try H.capture()
            defer { H.reset() }
            await withAgentScope("group") {
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<4 {
                        group.addTask {
                            await withScope(name: "worker-\(index)", category: .function) {
                                mark(name: "tick-\(index)")
                                _ = await withToolCall(name: "leaf-\(index)") {
                                    await Task.yield()
                                    return "ok"
                                }
                            }
                        }
                    }
                }
            }
            let agent = try #require(log.start("group"))
            for index in 0..<4 {
                let worker = try #require(log.start("worker-\(index)"))
                #expect(worker.parentUUID == agent.uuid)
                #expect(log.start("leaf-\(index)")?.parentUUID == worker.uuid)
                #expect(log.marks("tick-\(index)").first?.parentUUID == worker.uuid)
            }
        }

        @Test("an unstructured Task inherits the current scope")
        func unstructuredTaskInherits() async throws {
            let log = try H.capture()
            defer { H.reset() }
            await withAgentScope("spawner") {
                let task = Task {
                    await withScope(name: "spawned", category: .function) {
                        await Task.yield()
                        return 1
                    }
                }
                _ = await task.value
            }
            #expect(log.start("spawned")?.parentUUID == log.start("spawner")?.uuid)
        }

        @Test("a detached task starts a new root in a trace of its own")
        func detachedTaskIsNewRoot() async throws {
            let (bridge, exporter) = try H.bridged()
            defer { H.reset() }
            await withAgentScope("outer") {
                let task = Task.detached {
                    await withAgentScope("detached") {
                        await Task.yield()
                        return currentTraceparentForTest()
                    }
                }
                let inner = await task.value
                #expect(inner != nil)
            }
            bridge.shutdown()
            let outer = try #require(exporter.span("outer"))
            let detached = try #require(exporter.span("detached"))
            #expect(detached.parentSpanID == nil)
            #expect(detached.traceID != outer.traceID)
        }

        @Test("the current traceparent names the root's uuid as trace id and the scope's last 8 bytes as span id")
        func traceparentOfCurrentScope() async throws {
            let (bridge, exporter) = try H.bridged()
            defer { H.reset() }
            #expect(ATOFInstrumentation.currentTraceparent == nil)
            var headers: [String] = []
            await withAgentScope("root") {
                headers.append(ATOFInstrumentation.currentTraceparent ?? "")
                await withScope(name: "child", category: .function) {
                    await Task.yield()
                    headers.append(ATOFInstrumentation.currentTraceparent ?? "")
                }
            }
            bridge.shutdown()
            let root = try #require(exporter.span("root"))
            let child = try #require(exporter.span("child"))
            #expect(headers == ["00-\(root.traceID.hex)-\(root.spanID.hex)-01", "00-\(child.traceID.hex)-\(child.spanID.hex)-01"])
            #expect(child.parentSpanID == root.spanID && child.traceID == root.traceID)
        }
    }
}

func currentTraceparentForTest() -> String? { ATOFInstrumentation.currentTraceparent }
