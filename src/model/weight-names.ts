// Checkpoint tensor names and shapes, as Hugging Face stores LFM2 and LFM2-MoE (modeling_lfm2.py attribute
// names; per-expert w1/w2/w3 as on the hub, which transformers' conversion_mapping fuses on load).
import { isMoeLayer, type Lfm2Config } from './config';

export interface WeightSpec {
  name: string;
  shape: number[];
}

const P = 'model.layers';

export const weightName = {
  embed: 'model.embed_tokens.weight',
  // Despite its name this is the final norm, applied after the last layer (Lfm2Model.forward).
  finalNorm: 'model.embedding_norm.weight',
  lmHead: 'lm_head.weight',
  operatorNorm: (l: number) => `${P}.${l}.operator_norm.weight`,
  ffnNorm: (l: number) => `${P}.${l}.ffn_norm.weight`,
  inProj: (l: number) => `${P}.${l}.conv.in_proj.weight`,
  inProjBias: (l: number) => `${P}.${l}.conv.in_proj.bias`,
  conv: (l: number) => `${P}.${l}.conv.conv.weight`,
  convBias: (l: number) => `${P}.${l}.conv.conv.bias`,
  convOutProj: (l: number) => `${P}.${l}.conv.out_proj.weight`,
  convOutProjBias: (l: number) => `${P}.${l}.conv.out_proj.bias`,
  q: (l: number) => `${P}.${l}.self_attn.q_proj.weight`,
  k: (l: number) => `${P}.${l}.self_attn.k_proj.weight`,
  v: (l: number) => `${P}.${l}.self_attn.v_proj.weight`,
  o: (l: number) => `${P}.${l}.self_attn.out_proj.weight`,
  qNorm: (l: number) => `${P}.${l}.self_attn.q_layernorm.weight`,
  kNorm: (l: number) => `${P}.${l}.self_attn.k_layernorm.weight`,
  w1: (l: number) => `${P}.${l}.feed_forward.w1.weight`,
  w2: (l: number) => `${P}.${l}.feed_forward.w2.weight`,
  w3: (l: number) => `${P}.${l}.feed_forward.w3.weight`,
  router: (l: number) => `${P}.${l}.feed_forward.gate.weight`,
  expertBias: (l: number) => `${P}.${l}.feed_forward.expert_bias`,
  expertW1: (l: number, e: number) => `${P}.${l}.feed_forward.experts.${e}.w1.weight`,
  expertW2: (l: number, e: number) => `${P}.${l}.feed_forward.experts.${e}.w2.weight`,
  expertW3: (l: number, e: number) => `${P}.${l}.feed_forward.experts.${e}.w3.weight`,
};

/** Every tensor a checkpoint of this config must hold, with its shape. */
export function expectedWeights(c: Lfm2Config): WeightSpec[] {
  const H = c.hiddenSize;
  const specs: WeightSpec[] = [{ name: weightName.embed, shape: [c.vocabSize, H] }];
  for (let l = 0; l < c.numLayers; l++) {
    specs.push({ name: weightName.operatorNorm(l), shape: [H] }, { name: weightName.ffnNorm(l), shape: [H] });
    if (c.layerTypes[l] === 'conv') {
      specs.push({ name: weightName.inProj(l), shape: [3 * H, H] }, { name: weightName.conv(l), shape: [H, 1, c.convLCache] }, { name: weightName.convOutProj(l), shape: [H, H] });
      if (c.convBias) specs.push({ name: weightName.inProjBias(l), shape: [3 * H] }, { name: weightName.convBias(l), shape: [H] }, { name: weightName.convOutProjBias(l), shape: [H] });
    } else {
      const q = c.numHeads * c.headDim;
      const kv = c.numKvHeads * c.headDim;
      specs.push(
        { name: weightName.q(l), shape: [q, H] },
        { name: weightName.k(l), shape: [kv, H] },
        { name: weightName.v(l), shape: [kv, H] },
        { name: weightName.o(l), shape: [H, q] },
        { name: weightName.qNorm(l), shape: [c.headDim] },
        { name: weightName.kNorm(l), shape: [c.headDim] },
      );
    }
    if (isMoeLayer(c, l)) {
      const moe = c.moe!;
      specs.push({ name: weightName.router(l), shape: [moe.numExperts, H] });
      if (moe.useExpertBias) specs.push({ name: weightName.expertBias(l), shape: [moe.numExperts] });
      for (let e = 0; e < moe.numExperts; e++) {
        specs.push(
          { name: weightName.expertW1(l, e), shape: [moe.moeIntermediateSize, H] },
          { name: weightName.expertW3(l, e), shape: [moe.moeIntermediateSize, H] },
          { name: weightName.expertW2(l, e), shape: [H, moe.moeIntermediateSize] },
        );
      }
    } else {
      specs.push({ name: weightName.w1(l), shape: [c.intermediateSize, H] }, { name: weightName.w3(l), shape: [c.intermediateSize, H] }, { name: weightName.w2(l), shape: [H, c.intermediateSize] });
    }
  }
  specs.push({ name: weightName.finalNorm, shape: [H] });
  if (!c.tieWordEmbeddings) specs.push({ name: weightName.lmHead, shape: [c.vocabSize, H] });
  return specs;
}
