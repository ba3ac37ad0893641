/// The channels a card is used through, with their wire values.
public enum CardChannel: Int, CaseIterable, Sendable {
    case cardPresent, contactless, online, atm
}
