// Runs a transformers.js pipeline on an export folder, fully offline, and prints one JSON object.
// Usage: node interop.mjs fill-mask|text-generation EXPORT_DIR TEXT...
import { env, pipeline } from '@huggingface/transformers';

env.allowRemoteModels = false;
env.allowLocalModels = true;

const [task, dir, ...texts] = process.argv.slice(2);
if (!task || !dir || texts.length === 0) {
  console.error('usage: node interop.mjs fill-mask|text-generation EXPORT_DIR TEXT...');
  process.exit(2);
}

const result = { task, singles: [], batch: null };
if (task === 'fill-mask') {
  const fill = await pipeline('fill-mask', dir, { dtype: 'fp32' });
  for (const text of texts) {
    result.singles.push(await fill(text, { top_k: 3 }));
  }
  result.batch = await fill(texts, { top_k: 3 });
  const encoded = fill.tokenizer(texts, { padding: true });
  result.input_ids = encoded.input_ids.tolist().map((row) => row.map(Number));
  result.has_token_type_ids = encoded.token_type_ids !== undefined;
} else if (task === 'text-generation') {
  const generate = await pipeline('text-generation', dir, { dtype: 'fp32' });
  const options = { max_new_tokens: 6, do_sample: false, return_full_text: false };
  for (const text of texts) {
    result.singles.push(await generate(text, options));
  }
  result.batch = await generate(texts, options);
  result.prompt_ids = texts.map((t) => Array.from(generate.tokenizer.encode(t)).map(Number));
  // The generated ids themselves, for an exact comparison with greedy decoding done elsewhere.
  result.generated_ids = [];
  for (const text of texts) {
    const inputs = generate.tokenizer(text);
    const output = await generate.model.generate({ ...inputs, max_new_tokens: 6, do_sample: false });
    const all = output.tolist()[0].map(Number);
    result.generated_ids.push(all.slice(inputs.input_ids.dims.at(-1)));
  }
} else {
  console.error(`unknown task ${task}`);
  process.exit(2);
}
console.log(JSON.stringify(result));
