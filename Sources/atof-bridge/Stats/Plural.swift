/// `1 span`, `2 spans`: the count and the noun, with an `s` unless the count is 1.
func plural(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
