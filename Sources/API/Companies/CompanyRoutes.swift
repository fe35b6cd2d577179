/// Registers the company side of InvenTree's API.
enum CompanyRoutes {
    static func register(_ router: APIRouter, _ context: APIContext) {
        var company = CompanyResource.company
        // Multipart PUT/PATCH with an `image` file (Common/ImageUpload.swift).
        company.updateOverride = ImageUpload.override({ CompanyResource.company }, context: context, directory: "company_images")
        ResourceEndpoints.register(router, context, company)
    }
}
