/// The version of this build of Stockroom (the Debian package's upstream version).
public enum StockroomVersion {
    public static let current = "0.1.0"
}
