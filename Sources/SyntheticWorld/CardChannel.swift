/// The channels a card is used through, with their wire values.
package enum CardChannel: Int, CaseIterable, Sendable {
    case cardPresent, contactless, online, atm
}
