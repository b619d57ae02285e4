// The area under the ROC curve of scores against 0/1 labels: the chance that a positive row picked
// at random scores above a negative one picked at random, a tie counting half. Computed from the
// rank sum (Mann–Whitney U) with tied scores given their average rank, so a constant score is
// exactly 0.5 and the order of tied rows never matters.

/**
 * AUC of `scores` for `labels` (1 positive, 0 negative), same length and order.
 * @throws RangeError when the lengths differ, a score is not finite, or either class is absent (the AUC is undefined)
 */
export function auc(scores: readonly number[], labels: readonly (0 | 1)[]): number {
  if (scores.length !== labels.length) throw new RangeError(`auc: ${scores.length} scores for ${labels.length} labels`);
  if (!scores.every(Number.isFinite)) throw new RangeError('auc: every score must be a finite number');
  const positives = labels.filter((l) => l === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) throw new RangeError('auc: needs at least one positive and one negative label');
  const order = scores.map((score, i) => ({ score, label: labels[i] })).sort((a, b) => a.score - b.score);
  let positiveRankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.score === order[start]!.score) end++;
    // ranks are 1-based: the tied block start..end shares the mean of ranks start+1..end+1
    const rank = (start + end + 2) / 2;
    for (let i = start; i <= end; i++) if (order[i]!.label === 1) positiveRankSum += rank;
    start = end + 1;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
