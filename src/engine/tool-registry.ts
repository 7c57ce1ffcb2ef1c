// The tools an agent may call, each with a JSON schema for its arguments. Calls the model writes are checked
// here before anything runs; a failed check becomes a ToolCallProblem the agent loop can show the model.
// @cfworker/json-schema, not ajv: ajv compiles schemas with new Function, which MV3's CSP forbids.
import { Validator } from '@cfworker/json-schema';
import type { ToolDefinition } from './chat-format';
import type { JsonValue, ParsedToolCall } from './tool-call-parser';

export interface Tool {
  definition: ToolDefinition;
  run(args: Record<string, JsonValue>, signal?: AbortSignal): Promise<JsonValue>;
}

export type ToolCallProblemCode = 'malformed' | 'unknown-tool' | 'invalid-arguments';

export interface ToolCallProblem {
  code: ToolCallProblemCode;
  message: string;
  tool?: string;
}

export class ToolRegistry {
  private readonly tools = new Map<string, { tool: Tool; validator: Validator }>();

  register(tool: Tool): this {
    if (this.tools.has(tool.definition.name)) throw new Error(`tool "${tool.definition.name}" is registered twice`);
    this.tools.set(tool.definition.name, { tool, validator: new Validator(tool.definition.parameters as object, '2020-12', false) });
    return this;
  }

  definitions(): ToolDefinition[] {
    return [...this.tools.values()].map(({ tool }) => tool.definition);
  }

  /** The tool for a call whose arguments satisfy its schema, or what is wrong with the call. */
  check(call: ParsedToolCall): { tool: Tool } | { problem: ToolCallProblem } {
    const entry = this.tools.get(call.name);
    if (!entry) {
      return { problem: { code: 'unknown-tool', tool: call.name, message: `There is no tool "${call.name}". Available: ${[...this.tools.keys()].join(', ')}.` } };
    }
    const result = entry.validator.validate(call.arguments);
    if (!result.valid) {
      const details = result.errors
        .filter((e) => e.keyword !== 'properties' && e.keyword !== '$ref')
        .slice(0, 5)
        .map((e) => `${e.instanceLocation.replace(/^#/, 'arguments')}: ${e.error}`);
      return { problem: { code: 'invalid-arguments', tool: call.name, message: details.join('; ') || 'arguments do not match the schema' } };
    }
    return { tool: entry.tool };
  }
}
