/// Registers the part side of InvenTree's API. Fixed paths go before `<path><pk>/` patterns they would match.
enum PartRoutes {
    static func register(_ router: APIRouter, _ context: APIContext) {
        ResourceEndpoints.register(router, context, CategoryResources.tree)
        ResourceEndpoints.register(router, context, CategoryResources.parameterTemplates)
        ResourceEndpoints.register(router, context, CategoryResources.category)
        ResourceEndpoints.register(router, context, ParameterResources.template)
        ResourceEndpoints.register(router, context, ParameterResources.parameter)
        ResourceEndpoints.register(router, context, PartResource.part)
    }
}
