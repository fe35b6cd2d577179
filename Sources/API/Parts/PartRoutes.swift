/// Registers the part side of InvenTree's API. Fixed paths go before the `<path><pk>/` patterns that would take them.
enum PartRoutes {
    static func register(_ router: APIRouter, _ context: APIContext) {
        for resource in [CategoryResources.tree, CategoryResources.parameterTemplates, CategoryResources.category,
                         ParameterResources.template, ParameterResources.parameter,
                         PartDetailResources.testTemplate, PartDetailResources.related, PartDetailResources.internalPrice,
                         PartDetailResources.salePrice, BomResources.substitute, BomResources.item] {
            ResourceEndpoints.register(router, context, resource)
        }
        PartRequirements.register(router, context)
        var part = PartResource.part
        // Multipart PUT/PATCH with an `image` file (Common/ImageUpload.swift).
        part.updateOverride = ImageUpload.override({ PartResource.part }, context: context, directory: "part_images")
        ResourceEndpoints.register(router, context, part)
    }
}
