/// InvenTree models that Stockroom does not store, each with the reason given in the import summary.
enum SkippedModels {
    static let reasons: [String: String] = [
        "part.partpricing": "cached pricing that InvenTree recomputes from price breaks and orders; Stockroom computes it too",
        "common.newsfeedentry": "a cache of inventree.org's news feed",
        "common.notificationentry": "a record of notifications already sent",
        "common.notificationmessage": "per-user notification messages, not inventory data",
        "plugin.pluginconfig": "plugin configuration; Stockroom has no InvenTree plugins",
        "plugin.pluginsetting": "plugin settings; Stockroom has no InvenTree plugins",
        "plugin.notificationusersetting": "notification settings of InvenTree plugins",
        "report.labeltemplate": "label templates: Stockroom ships its own",
        "report.reporttemplate": "report templates: Stockroom ships its own",
        "report.reportasset": "report template assets: Stockroom ships its own templates",
        "report.reportsnippet": "report template snippets: Stockroom ships its own templates",
        "label.partlabel": "label templates (before API 200): Stockroom ships its own",
        "label.stockitemlabel": "label templates (before API 200): Stockroom ships its own",
        "label.stocklocationlabel": "label templates (before API 200): Stockroom ships its own",
        "label.buildlinelabel": "label templates (before API 200): Stockroom ships its own",
        "report.testreport": "report templates (before API 200): Stockroom ships its own",
        "report.buildreport": "report templates (before API 200): Stockroom ships its own",
        "report.billofmaterialsreport": "report templates (before API 200): Stockroom ships its own",
        "report.purchaseorderreport": "report templates (before API 200): Stockroom ships its own",
        "report.salesorderreport": "report templates (before API 200): Stockroom ships its own",
        "report.returnorderreport": "report templates (before API 200): Stockroom ships its own",
        "report.stocklocationreport": "report templates (before API 200): Stockroom ships its own",
    ]
}
