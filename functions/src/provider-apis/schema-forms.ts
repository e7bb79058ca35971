/**
 * A provider's form of an output schema (OpenAI's and Anthropic's strict JSON Schema), made once per
 * schema *text*. Keying by the schema object does not work: Genkit deep-copies each model request
 * (`stripUndefinedProps` in @genkit-ai/core), so every call hands the adapter a new but equal object.
 * The app has a handful of answer schemas (one per answer size), so the memory is small; it is bounded
 * anyway, the oldest form going first.
 */
export function oncePerSchemaText<Schema, Form>(derive: (schema: Schema) => Form, bound = 64): (schema: Schema) => Form {
  const forms = new Map<string, Form>();
  return (schema) => {
    const text = JSON.stringify(schema);
    if (forms.has(text)) return forms.get(text)!;
    const form = derive(schema);
    forms.set(text, form);
    if (forms.size > bound) forms.delete(forms.keys().next().value as string);
    return form;
  };
}
