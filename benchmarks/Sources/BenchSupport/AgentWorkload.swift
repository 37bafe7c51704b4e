/// The agent-shaped workload of `generate_atof.py`, shared by both benchmarks: per turn an agent
/// scope holding one LLM call (with one `llm.chunk` mark inside it) and two tool calls, so
/// 9 ATOF events and 4 spans per turn.
public enum AgentWorkload {
    public static let eventsPerTurn = 9
    public static let spansPerTurn = 4
    /// How many distinct payload variants are cycled through (payload text carries the variant
    /// number, like the generator's turn number; ids and times are fresh every turn).
    public static let payloadVariants = 256

    /// Whole turns for at least `spans` spans.
    public static func turns(forSpans spans: Int) -> Int { (spans + spansPerTurn - 1) / spansPerTurn }

    /// The generator's uuid for counter `n`: `0197a000-0000-7000-8000-` and 12 hex digits.
    public static func uuid(_ n: UInt64) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            for (index, byte) in prefix.enumerated() { buffer[index] = byte }
            var value = n
            for index in stride(from: 35, through: 24, by: -1) {
                buffer[index] = hexDigits[Int(value & 0xF)]
                value >>= 4
            }
            return 36
        }
    }

    /// The parent every agent scope names (never started itself, as in the generator).
    public static let rootUUID = uuid(0xFFFF_FFFF)

    /// The uuids of turn `turn` (0-based): agent, LLM, chunk mark, tool 1, tool 2.
    public static func uuids(ofTurn turn: Int) -> (agent: String, llm: String, chunk: String, tool1: String, tool2: String) {
        let base = UInt64(turn) * 6
        return (uuid(base + 1), uuid(base + 2), uuid(base + 3), uuid(base + 4), uuid(base + 5))
    }

    private static let prefix = Array("0197a000-0000-7000-8000-".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)
}
