/// The vocabulary of generated inventories: a category taxonomy with a way of naming parts per leaf,
/// and the levels of a site's location tree.
enum DemoNames {
    /// How the parts of a leaf category are named.
    enum Kind {
        case resistor, capacitor, inductor, microcontroller, opAmp, regulator, transistor, diode, led
        case header, usbConnector, terminalBlock, rfConnector, relay, switchPart, fan
        case screw, nut, washer, standoff, enclosure, bearing, spring
        case wire, ribbon, cableAssembly, pcbAssembly, subAssembly, product, adhesive, solder, label
    }

    /// Category paths (root first) of the leaves, with their kind of part.
    static let leaves: [([String], Kind)] = [
        (["Electronics", "Passives", "Resistors", "Chip Resistors"], .resistor),
        (["Electronics", "Passives", "Resistors", "Through-Hole Resistors"], .resistor),
        (["Electronics", "Passives", "Capacitors", "Ceramic Capacitors"], .capacitor),
        (["Electronics", "Passives", "Capacitors", "Electrolytic Capacitors"], .capacitor),
        (["Electronics", "Passives", "Capacitors", "Tantalum Capacitors"], .capacitor),
        (["Electronics", "Passives", "Inductors"], .inductor),
        (["Electronics", "Semiconductors", "Integrated Circuits", "Microcontrollers"], .microcontroller),
        (["Electronics", "Semiconductors", "Integrated Circuits", "Op-Amps"], .opAmp),
        (["Electronics", "Semiconductors", "Integrated Circuits", "Voltage Regulators"], .regulator),
        (["Electronics", "Semiconductors", "Discretes", "MOSFETs"], .transistor),
        (["Electronics", "Semiconductors", "Discretes", "Diodes"], .diode),
        (["Electronics", "Semiconductors", "Optoelectronics", "LEDs"], .led),
        (["Electronics", "Connectors", "Pin Headers"], .header),
        (["Electronics", "Connectors", "USB Connectors"], .usbConnector),
        (["Electronics", "Connectors", "Terminal Blocks"], .terminalBlock),
        (["Electronics", "Connectors", "RF Connectors"], .rfConnector),
        (["Electronics", "Electromechanical", "Relays"], .relay),
        (["Electronics", "Electromechanical", "Switches"], .switchPart),
        (["Electronics", "Electromechanical", "Fans"], .fan),
        (["Mechanical", "Fasteners", "Screws"], .screw),
        (["Mechanical", "Fasteners", "Nuts"], .nut),
        (["Mechanical", "Fasteners", "Washers"], .washer),
        (["Mechanical", "Fasteners", "Standoffs"], .standoff),
        (["Mechanical", "Enclosures"], .enclosure),
        (["Mechanical", "Motion", "Bearings"], .bearing),
        (["Mechanical", "Motion", "Springs"], .spring),
        (["Cables and Wire", "Hook-up Wire"], .wire),
        (["Cables and Wire", "Ribbon Cable"], .ribbon),
        (["Cables and Wire", "Cable Assemblies"], .cableAssembly),
        (["Assemblies", "PCB Assemblies"], .pcbAssembly),
        (["Assemblies", "Sub-Assemblies"], .subAssembly),
        (["Assemblies", "Finished Products"], .product),
        (["Consumables", "Adhesives"], .adhesive),
        (["Consumables", "Solder"], .solder),
        (["Consumables", "Labels"], .label),
    ]

    static let packages = ["0402", "0603", "0805", "1206", "SOT-23", "SOIC-8", "TSSOP-20", "QFN-32", "LQFP-48", "TO-220"]
    static let resistances = ["10R", "47R", "100R", "220R", "330R", "1k", "2.2k", "4.7k", "10k", "22k", "47k", "100k", "1M"]
    static let capacitances = ["10pF", "22pF", "100pF", "1nF", "10nF", "100nF", "1uF", "4.7uF", "10uF", "47uF", "100uF", "470uF"]
    static let voltages = ["6.3V", "10V", "16V", "25V", "35V", "50V", "100V"]
    static let manufacturers = ["Acme", "Norden", "Kestrel", "Vantor", "Helix", "Orbis", "Talon", "Meridian", "Quanta", "Sable"]
    static let colors = ["Red", "Green", "Blue", "Yellow", "White", "Amber", "Black"]
    static let metricSizes = ["M2", "M2.5", "M3", "M4", "M5", "M6", "M8"]
    static let materials = ["Steel", "Stainless A2", "Brass", "Nylon", "Zinc Plated Steel"]
    static let productWords = ["Controller", "Sensor Node", "Gateway", "Power Module", "Display Unit", "Motor Driver", "Data Logger", "Hub"]

    /// Name, description and keywords of the `serial`-th part of a kind.
    static func part(_ kind: Kind, serial: Int, random: inout DemoRandom) -> (name: String, description: String, keywords: String) {
        let maker = random.pick(manufacturers)
        let code = String(1000 + serial % 9000)
        switch kind {
        case .resistor:
            let value = random.pick(resistances), package = random.pick(Array(packages.prefix(4)))
            let tolerance = random.pick(["1%", "5%", "0.1%"])
            return ("R \(value) \(package) \(tolerance) #\(serial)", "Resistor \(value) \(tolerance) \(package) thick film", "resistor res \(value)")
        case .capacitor:
            let value = random.pick(capacitances), voltage = random.pick(voltages)
            let dielectric = random.pick(["X7R", "X5R", "C0G", "Y5V"])
            return ("C \(value) \(voltage) \(dielectric) #\(serial)", "Capacitor \(value) \(voltage) \(dielectric)", "capacitor cap \(value)")
        case .inductor:
            let value = random.pick(["1uH", "4.7uH", "10uH", "22uH", "100uH"])
            return ("L \(value) \(random.pick(["1A", "2A", "3.5A"])) #\(serial)", "Power inductor \(value) shielded", "inductor coil")
        case .microcontroller:
            let family = random.pick(["MCU32F", "MCU8A", "ARMX", "RVC"])
            return ("\(maker) \(family)\(code)-\(random.pick(packages))", "\(family) microcontroller, \(random.pick(["64", "128", "256", "512"]))KB flash",
                    "mcu microcontroller \(family.lowercased())")
        case .opAmp:
            return ("\(maker) OPA\(code)", "Operational amplifier, rail-to-rail, \(random.pick(["single", "dual", "quad"]))", "opamp amplifier")
        case .regulator:
            let volts = random.pick(["1.8V", "3.3V", "5V", "12V"])
            return ("\(maker) LDO\(code)-\(volts)", "Voltage regulator \(volts) \(random.pick(["300mA", "500mA", "1A"]))", "regulator ldo power")
        case .transistor:
            return ("\(maker) FET\(code)", "\(random.pick(["N", "P"]))-channel MOSFET \(random.pick(["20V", "30V", "60V"]))", "mosfet transistor")
        case .diode:
            return ("\(maker) D\(code)", "\(random.pick(["Schottky", "Zener", "TVS", "Rectifier"])) diode \(random.pick(packages))", "diode")
        case .led:
            let color = random.pick(colors)
            return ("LED \(color) \(random.pick(Array(packages.prefix(4)))) #\(serial)", "\(color) LED, \(random.pick(["2", "5", "20"]))mA", "led light \(color.lowercased())")
        case .header:
            let pins = 2 + random.below(39)
            return ("Header 1x\(pins) 2.54mm #\(serial)", "Pin header, \(pins) pins, 2.54mm pitch", "header pin connector")
        case .usbConnector:
            return ("\(maker) USB-\(random.pick(["C", "A", "Micro-B"])) \(code)", "USB receptacle, SMT", "usb connector")
        case .terminalBlock:
            return ("Terminal Block \(2 + random.below(11))P \(random.pick(["3.5mm", "5.08mm"])) #\(serial)", "Screw terminal block", "terminal block")
        case .rfConnector:
            return ("\(random.pick(["SMA", "U.FL", "BNC", "N"])) Jack \(code)", "RF connector, 50 Ohm", "rf connector antenna")
        case .relay:
            return ("\(maker) Relay \(random.pick(["5V", "12V", "24V"])) \(code)", "Signal relay, SPDT", "relay")
        case .switchPart:
            return ("\(random.pick(["Tactile", "Slide", "Toggle", "Rocker"])) Switch \(code)", "Panel switch", "switch button")
        case .fan:
            let size = random.pick(["40mm", "60mm", "80mm", "120mm"])
            return ("Fan \(size) \(random.pick(["12V", "24V"])) #\(serial)", "Axial fan \(size)", "fan cooling")
        case .screw:
            let size = random.pick(metricSizes)
            return ("\(size)x\(4 + random.below(8) * 2) \(random.pick(["Hex Socket", "Pan Head", "Countersunk"])) Screw \(random.pick(materials)) #\(serial)",
                    "Machine screw \(size), \(random.pick(["DIN 912", "ISO 7380", "DIN 965"]))", "screw fastener \(size.lowercased())")
        case .nut:
            let size = random.pick(metricSizes)
            return ("\(size) \(random.pick(["Hex", "Nyloc", "Flange"])) Nut \(random.pick(materials)) #\(serial)", "Nut \(size)", "nut fastener")
        case .washer:
            let size = random.pick(metricSizes)
            return ("\(size) \(random.pick(["Flat", "Spring", "Serrated"])) Washer #\(serial)", "Washer \(size)", "washer")
        case .standoff:
            return ("Standoff \(random.pick(metricSizes))x\(5 + random.below(26)) \(random.pick(["Brass", "Nylon"])) #\(serial)", "Hex standoff, female-female", "standoff spacer")
        case .enclosure:
            return ("Enclosure \(80 + random.below(120))x\(50 + random.below(80)) \(random.pick(["ABS", "Aluminium"])) #\(serial)", "Project enclosure", "enclosure box case")
        case .bearing:
            return ("Bearing \(random.pick(["608", "625", "6001", "6203"]))-\(random.pick(["ZZ", "2RS"])) #\(serial)", "Deep groove ball bearing", "bearing")
        case .spring:
            return ("Spring \(random.pick(["Compression", "Extension", "Torsion"])) \(code)", "Steel spring", "spring")
        case .wire:
            let gauge = random.pick(["18", "20", "22", "24", "26"])
            return ("Wire \(gauge)AWG \(random.pick(colors)) #\(serial)", "Stranded hook-up wire \(gauge) AWG", "wire cable")
        case .ribbon:
            return ("Ribbon Cable \(random.pick(["10", "16", "20", "40"]))-way #\(serial)", "Flat ribbon cable 1.27mm", "ribbon cable")
        case .cableAssembly:
            return ("Cable Assy CA-\(code) \(random.pick(["0.3m", "0.5m", "1m", "2m"]))", "Cable assembly", "cable assembly harness")
        case .pcbAssembly:
            return ("PCBA \(random.pick(productWords)) Rev \(random.pick(["A", "B", "C"])) #\(serial)", "Assembled printed circuit board", "pcba board")
        case .subAssembly:
            return ("\(random.pick(productWords)) Sub-Assembly \(code)", "Mechanical sub-assembly", "assembly")
        case .product:
            return ("\(maker) \(random.pick(productWords)) \(code)", "Finished product", "product")
        case .adhesive:
            return ("\(random.pick(["Epoxy", "Cyanoacrylate", "Thread Locker"])) \(code)", "Adhesive, \(random.pick(["20ml", "50ml", "250ml"]))", "glue adhesive")
        case .solder:
            return ("Solder \(random.pick(["Wire 0.5mm", "Wire 1mm", "Paste"])) \(random.pick(["SAC305", "Sn63Pb37"])) #\(serial)", "Solder", "solder")
        case .label:
            return ("Label Roll \(random.pick(["25x12", "50x25", "100x50"]))mm #\(serial)", "Thermal transfer labels", "label")
        }
    }

    static func isAssembly(_ kind: Kind) -> Bool { [.pcbAssembly, .subAssembly, .product, .cableAssembly].contains(kind) }
    static func unitsOf(_ kind: Kind) -> String {
        switch kind {
        case .wire, .ribbon: return "m"
        case .adhesive: return "ml"
        default: return ""
        }
    }

    static let cities = ["Rotterdam", "Eindhoven", "Austin", "Shenzhen", "Munich", "Toronto", "Lyon", "Osaka", "Porto", "Brno",
                         "Gdansk", "Tampere", "Bilbao", "Leeds", "Graz", "Turin"]

    /// The name of the `index`-th child at `level` of a location tree (0 = sites).
    static func location(level: Int, index: Int) -> String {
        switch level {
        case 0:
            let city = cities[index % cities.count]
            return index < cities.count ? "\(city) Site" : "\(city) Site \(index / cities.count + 1)"
        case 1: return "Building " + letters(index)
        case 2: return "Floor \(index)"
        case 3: return ["Stores", "Assembly Hall", "Cleanroom", "Goods In", "Test Lab", "Dispatch"][index % 6] + (index >= 6 ? " \(index / 6 + 1)" : "")
        case 4: return "Rack R" + pad(index + 1)
        case 5: return "Shelf \(index + 1)"
        default: return "Bin " + pad(index + 1)
        }
    }

    /// How many children a location at `level` has.
    static let branching = [3, 2, 4, 4, 4, 5]

    static func letters(_ index: Int) -> String {
        var index = index, text = ""
        repeat {
            text = String(UnicodeScalar(UInt8(65 + index % 26))) + text
            index = index / 26 - 1
        } while index >= 0
        return text
    }

    static func pad(_ number: Int) -> String { number < 10 ? "0\(number)" : String(number) }
}
