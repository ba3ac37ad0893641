/// Maps the country spellings seen in producers' JSON to ISO 3166-1 alpha-2.
enum CountryNames {
    /// Two letters as they are; a few common names and alpha-3 codes mapped; otherwise `""` (unknown).
    static func alpha2(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.utf8.count == 2, trimmed.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }) {
            return trimmed.uppercased()
        }
        return names[trimmed.lowercased()] ?? ""
    }

    private static let names: [String: String] = [
        "usa": "US", "united states": "US", "united states of america": "US",
        "gbr": "GB", "uk": "GB", "united kingdom": "GB", "great britain": "GB",
        "can": "CA", "canada": "CA", "deu": "DE", "germany": "DE", "fra": "FR", "france": "FR",
        "esp": "ES", "spain": "ES", "ita": "IT", "italy": "IT", "nld": "NL", "netherlands": "NL",
        "aus": "AU", "australia": "AU", "jpn": "JP", "japan": "JP", "chn": "CN", "china": "CN",
        "ind": "IN", "india": "IN", "bra": "BR", "brazil": "BR", "mex": "MX", "mexico": "MX",
        "rus": "RU", "russia": "RU", "nga": "NG", "nigeria": "NG", "zaf": "ZA", "south africa": "ZA",
        "sgp": "SG", "singapore": "SG", "che": "CH", "switzerland": "CH", "swe": "SE", "sweden": "SE",
        "irl": "IE", "ireland": "IE", "kor": "KR", "south korea": "KR", "arg": "AR", "argentina": "AR",
    ]
}
