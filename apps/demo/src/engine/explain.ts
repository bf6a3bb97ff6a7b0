import { UNK_ID } from '@gated/datasets';
import type { TextModel } from '@gated/models';
import { beamSearchTrace, explainDecode } from '@gated/seq2seq';
import { judgeDateAnswer } from './date-checks';
import { type Explanation, LOW_CONFIDENCE } from './explanation';
import { nameCharacter, readDate, readWord } from './input-reading';

/** Longest input the page decodes; longer ones are refused in words, never cut silently. */
export const MAX_INPUT = 400;

/**
 * Most output tokens decoded for an input of `length`: room for every answer the models were
 * trained to give (dates: 10, words: a little more than their letters), and a bound on a model
 * that never says </s> to a strange input, so a 200-character paste answers quickly.
 */
function outputLimit(length: number): number {
  return Math.min(3 * length + 10, 48);
}

export interface ExplainRequest {
  text: string;
  /** Target ids to force at the first steps ("what if"); [] for the model's own answer. */
  prefix: number[];
  /** 1–8. */
  beamSize: number;
}

/**
 * The attention section's answer for one input: the decoder's steps (scores, weights, context,
 * top 5) from `explainDecode`, the beam search tree from `beamSearchTrace`, the confidence, and
 * what to say about the answer.
 */
export function explainText(model: TextModel, request: ExplainRequest): Explanation {
  const { text, prefix, beamSize } = request;
  if (!Number.isInteger(beamSize) || beamSize < 1 || beamSize > 8)
    throw new Error(`Beam size must be an integer from 1 to 8, got ${beamSize}`);
  const pronunciation = model.extra.targetTokenizer === 'symbols';
  const known = (c: string) => model.sourceVocab.id(c) !== UNK_ID;
  const reading = pronunciation ? readWord(text, known) : readDate(text, known);
  if (reading.text.length === 0) throw new Error('Type something first');
  if ([...reading.text].length > MAX_INPUT)
    throw new Error(
      `The input has ${[...reading.text].length} characters; this page reads at most ${MAX_INPUT}.`,
    );
  const sourceTokens = [...reading.text];
  const ids = model.sourceVocab.encode(sourceTokens);
  const started = performance.now();
  const maxLength = outputLimit(ids.length);
  const explained = explainDecode(model.model, ids, { prefix, topK: 5, maxLength });
  const { hypotheses, trace } = beamSearchTrace(model.model, ids, {
    beamSize,
    nBest: beamSize,
    alpha: 1,
    maxLength,
  });
  const milliseconds = performance.now() - started;
  const eos = model.model.config.eosId;
  const show = (id: number) => (id === eos ? '</s>' : (model.targetVocab.decode([id])[0] ?? '?'));
  const outputTokens = model.targetVocab.decode(explained.tokens);
  const output = model.detokenize(outputTokens);
  const confidence = Math.exp(explained.logProb);
  const warnings: string[] = [];
  let valid: boolean | undefined;
  if (reading.unreadable.length > 0)
    warnings.push(
      `The model cannot read ${reading.unreadable.map(nameCharacter).join(', ')}: it has no token for ${reading.unreadable.length > 1 ? 'them' : 'it'} and sees “unknown”.`,
    );
  if (model.extra.task.startsWith('dates') && prefix.length === 0) {
    const verdict = judgeDateAnswer(reading.text, output);
    valid = verdict.valid;
    warnings.push(...verdict.notes);
  }
  if (confidence < LOW_CONFIDENCE)
    warnings.push(
      `Low confidence: the model gives this answer a probability of ${(100 * confidence).toFixed(1)}%.`,
    );
  return {
    attention: model.model.config.attention,
    read: reading.text,
    changes: reading.changes,
    unreadable: reading.unreadable.map(nameCharacter),
    sourceTokens,
    outputTokens,
    output,
    steps: explained.steps.map((step) => ({
      id: step.token,
      token: show(step.token),
      probability: Math.exp(step.logProb),
      forced: step.forced,
      candidates: step.candidates.map((c) => ({
        id: c.token,
        token: show(c.token),
        probability: Math.exp(c.logProb),
      })),
      scores: step.scores,
      weights: step.weights,
      context: step.context,
    })),
    encoderOutputs: explained.encoderOutputs,
    confidence,
    warnings,
    valid,
    beam: {
      beamSize,
      nodes: trace.nodes.map((n) => ({ ...n, token: n.token < 0 ? '<s>' : show(n.token) })),
      nBest: hypotheses.map((h) => ({
        output: model.detokenize(model.targetVocab.decode(h.tokens)),
        score: h.score,
        // The score is log P / lp(|Y| + 1) with α = 1; undo the penalty for the probability.
        probability: Math.exp(h.score * ((5 + h.tokens.length + 1) / 6)),
      })),
    },
    milliseconds,
  };
}

/** One model's answer in the with/without attention comparison. */
export interface BriefAnswer {
  output: string;
  confidence: number;
  /** A real calendar day. */
  valid: boolean;
  /** Per output character, whether it matches the reference (when there is one). */
  correct?: boolean[];
}

/**
 * The same typed date through a model with attention and one without. The reference is the
 * attention model's answer when the input is exactly that date in one of the 24 formats (then
 * it is right by construction); otherwise there is none and no character is marked.
 */
export function compareAnswers(
  withAttention: TextModel,
  without: TextModel,
  text: string,
): { reference?: string; with: BriefAnswer; without: BriefAnswer } {
  const read = text.trim();
  if (read.length === 0) throw new Error('Type something first');
  if ([...read].length > MAX_INPUT)
    throw new Error(
      `The input has ${[...read].length} characters; this page reads at most ${MAX_INPUT}.`,
    );
  const answer = (model: TextModel) => {
    const ids = model.sourceVocab.encode([...read]);
    const explained = explainDecode(model.model, ids, { maxLength: outputLimit(ids.length) });
    const output = model.detokenize(model.targetVocab.decode(explained.tokens));
    return { output, confidence: Math.exp(explained.logProb) };
  };
  const a = answer(withAttention);
  const b = answer(without);
  const verdict = judgeDateAnswer(read, a.output);
  const reference = verdict.format ? a.output : undefined;
  const brief = (x: { output: string; confidence: number }): BriefAnswer => ({
    ...x,
    valid: judgeDateAnswer(read, x.output).valid,
    correct: reference ? [...x.output].map((c, i) => reference[i] === c) : undefined,
  });
  return { reference, with: brief(a), without: brief(b) };
}
