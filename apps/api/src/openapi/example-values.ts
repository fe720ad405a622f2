/**
 * Example values of the API's fields by name (`Dto.field` where one name means different things),
 * used in the OpenAPI document wherever a DTO property has no `example` of its own. One place, so a
 * field that occurs in twenty DTOs is described once.
 */
export const EXAMPLES_BY_FIELD: Readonly<Record<string, unknown>> = {};
