import ATOF
import Testing

@testable import ATOFBridge

@Suite("ScopeTable")
struct ScopeTableTests {
    private func key(_ number: Int) -> UUIDKey {
        UUIDKey(UUIDValue(high: UInt64(number), low: UInt64(number) &* 0x9E37_79B9).string)
    }

    @Test("every key stays findable with its value through insertions and removals in any order")
    func keysStayFindableThroughRemovals() {
        var table = ScopeTable<Int>()
        for number in 0..<5_000 { table[key(number)] = number }
        for number in stride(from: 0, to: 5_000, by: 3) { table.removeValue(forKey: key(number)) }
        for number in 0..<5_000 {
            #expect(table[key(number)] == (number % 3 == 0 ? nil : number))
        }
        #expect(table.count == 5_000 - 1_667)
    }

    @Test("a table emptied after growing gives its room back and still works")
    func shrinksAfterEmptying() {
        var table = ScopeTable<Int>()
        for number in 0..<10_000 { table[key(number)] = number }
        for number in 0..<9_990 { table.removeValue(forKey: key(number)) }
        #expect(table.count == 10)
        #expect(table.values.capacity < 1_024)
        for number in 9_990..<10_000 { #expect(table[key(number)] == number) }
        table[key(1)] = 1
        #expect(table[key(1)] == 1)
    }
}
