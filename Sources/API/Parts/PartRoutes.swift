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
        ResourceEndpoints.register(router, context, PartResource.part)
    }
}
