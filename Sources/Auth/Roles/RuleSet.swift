/// InvenTree's roles (users/ruleset.py, API 530), in InvenTree's order.
public enum RuleSet: String, CaseIterable, Sendable, Hashable {
    case admin
    case partCategory = "part_category"
    case part
    case bom
    case stockLocation = "stock_location"
    case stock
    case build
    case purchaseOrder = "purchase_order"
    case salesOrder = "sales_order"
    case returnOrder = "return_order"
    case transferOrder = "transfer_order"

    /// The database tables (`app_model`) each role governs, as InvenTree's `get_ruleset_models()`.
    public var tables: [String] {
        switch self {
        case .admin:
            return ["auth_group", "auth_user", "auth_permission", "users_apitoken", "users_ruleset",
                    "report_labeltemplate", "report_reportasset", "report_reportsnippet", "report_reporttemplate",
                    "account_emailaddress", "account_emailconfirmation", "socialaccount_socialaccount",
                    "socialaccount_socialapp", "socialaccount_socialtoken", "otp_totp_totpdevice",
                    "otp_static_statictoken", "otp_static_staticdevice", "mfa_authenticator",
                    "oauth2_provider_application", "oauth2_provider_grant", "oauth2_provider_idtoken",
                    "oauth2_provider_accesstoken", "oauth2_provider_refreshtoken", "oauth2_provider_devicegrant",
                    "plugin_pluginconfig", "plugin_pluginsetting", "plugin_pluginusersetting",
                    "common_barcodescanresult", "common_newsfeedentry", "taggit_tag", "taggit_taggeditem",
                    "flags_flagstate", "machine_machineconfig", "machine_machinesetting",
                    "common_emailmessage", "common_emailthread", "django_mailbox_mailbox",
                    "django_mailbox_messageattachment", "django_mailbox_message"]
        case .partCategory:
            return ["part_partcategory", "part_partcategoryparametertemplate", "part_partcategorystar"]
        case .part:
            return ["part_part", "part_partpricing", "part_partsellpricebreak", "part_partinternalpricebreak",
                    "part_parttesttemplate", "part_partrelated", "part_partstar", "part_partstocktake",
                    "part_partcategorystar", "company_supplierpart", "company_manufacturerpart"]
        case .bom:
            return ["part_bomitem", "part_bomitemsubstitute"]
        case .stockLocation:
            return ["stock_stocklocation", "stock_stocklocationtype"]
        case .stock:
            return ["stock_stockitem", "stock_stockitemtracking", "stock_stockitemtestresult"]
        case .build:
            return ["part_part", "part_partcategory", "part_bomitem", "part_bomitemsubstitute", "build_build",
                    "build_builditem", "build_buildline", "stock_stockitem", "stock_stocklocation"]
        case .purchaseOrder:
            return ["company_company", "company_contact", "company_address", "company_manufacturerpart",
                    "company_supplierpart", "company_supplierpricebreak", "order_purchaseorder",
                    "order_purchaseorderlineitem", "order_purchaseorderextraline"]
        case .salesOrder:
            return ["company_company", "company_contact", "company_address", "order_salesorder",
                    "order_salesorderallocation", "order_salesorderlineitem", "order_salesorderextraline",
                    "order_salesordershipment"]
        case .returnOrder:
            return ["company_company", "company_contact", "company_address", "order_returnorder",
                    "order_returnorderlineitem", "order_returnorderextraline"]
        case .transferOrder:
            return ["order_transferorder", "order_transferorderallocation", "order_transferorderlineitem"]
        }
    }

    /// Tables no role governs: any signed-in user may use them (InvenTree's `get_ruleset_ignore()`).
    public static let unrestrictedTables: Set<String> = [
        "admin_logentry", "contenttypes_contenttype", "common_attachment", "common_parametertemplate",
        "common_parameter", "common_customunit", "common_dataoutput", "common_inventreesetting",
        "common_inventreeusersetting", "common_notificationentry", "common_notificationmessage",
        "common_notesimage", "common_projectcode", "common_webhookendpoint", "common_webhookmessage",
        "common_inventreecustomuserstatemodel", "common_selectionlistentry", "common_selectionlist",
        "users_owner", "users_userprofile", "error_report_error", "exchange_rate", "exchange_exchangebackend",
        "usersessions_usersession", "sessions_session", "django_q_ormq", "django_q_failure", "django_q_task",
        "django_q_schedule", "django_q_success", "importer_dataimportsession", "importer_dataimportcolumnmap",
        "importer_dataimportrow",
    ]

    /// InvenTree's RULESET_CHANGE_INHERIT: `change` on the parent role allows everything on the child table.
    public static let changeInherit: [(role: RuleSet, table: String)] = [(.part, "part_bomitem")]

    /// Every table some role governs, in role order without repeats.
    public static let governedTables: [String] = {
        var seen = Set<String>()
        return allCases.flatMap(\.tables).filter { seen.insert($0).inserted }
    }()
}

/// The four actions of a rule set.
public enum Permission: String, CaseIterable, Sendable {
    case view
    case add
    case change
    case delete

    var bit: UInt8 {
        switch self {
        case .view: return 1
        case .add: return 2
        case .change: return 4
        case .delete: return 8
        }
    }
}

extension RuleSet {
    /// InvenTree's display label of the role (RULESET_CHOICES).
    public var label: String {
        switch self {
        case .admin: return "Admin"
        case .partCategory: return "Part Categories"
        case .part: return "Parts"
        case .bom: return "Bills of Material"
        case .stockLocation: return "Stock Locations"
        case .stock: return "Stock Items"
        case .build: return "Build Orders"
        case .purchaseOrder: return "Purchase Orders"
        case .salesOrder: return "Sales Orders"
        case .returnOrder: return "Return Orders"
        case .transferOrder: return "Transfer Orders"
        }
    }
}
