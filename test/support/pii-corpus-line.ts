/**
 * One line of the labelled PII corpus (test/pii/corpus/*.jsonl): the text and each entity in it,
 * with UTF-16 offsets. build-corpus.ts writes these lines and corpus-score.test.ts reads them.
 */
export interface CorpusEntity {
  type: string;
  start: number;
  end: number;
}

export interface CorpusLine {
  text: string;
  entities: CorpusEntity[];
}
