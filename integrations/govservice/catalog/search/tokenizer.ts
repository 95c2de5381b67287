import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/**
 * Word segmentation (jieba, search mode so that long catalogue terms also yield their parts) and
 * character bigrams as a fallback feature, so typos and words jieba has never seen still overlap
 * with the catalogue. Input must already be normalised (see normalize.ts).
 */

/** Function words and question filler that say nothing about which service is meant. */
const STOPWORDS = new Set(
  (
    '的 了 吗 呢 吧 啊 呀 哦 嘛 么 和 与 及 或 是 不 也 都 就 还 又 在 有 没 没有 给 把 被 让 叫 ' +
    '我 你 您 他 她 它 我们 你们 他们 咱 俺 自己 这 那 这个 那个 这里 那里 这边 那边 哪 哪里 哪儿 哪些 ' +
    '怎么 怎么样 怎样 咋 咋整 咋办 咋个 如何 什么 啥 啥子 多少 几 几天 多久 多长时间 能 能不能 可以 可不可以 ' +
    '要 需要 想 想要 得 应该 行 行不行 行不 不行 请问 问 一下 你好 同志 谢谢 麻烦 帮 帮我 一个 个 一张 张 ' +
    '去 来 到 过来 过去 上 下 里 中 后 前 时候 现在 已经 刚 刚刚 才 再 先 一起 马上 ' +
    '办 办理 弄 搞 整 干 干嘛 做 准备 手续 怎么办 的话 呢 嘞 哈 喔 啦'
  ).split(/\s+/),
);

export type Tokenizer = {
  /** Content words of the text (search-mode segmentation, stopwords removed). */
  readonly words: (text: string) => string[];
  /** Character bigrams over the text with stopwords cut out; a lone character yields itself. */
  readonly bigrams: (text: string) => string[];
};

/**
 * Build a tokenizer on jieba's default dictionary plus `userWords`, which segment as units
 * (catalogue names, aliases, keywords, synonym terms). Loading the dictionary takes ~200 ms:
 * build one tokenizer per process.
 */
export function createTokenizer(userWords: Iterable<string> = []): Tokenizer {
  const jieba = Jieba.withDict(dict);
  const lines = [...new Set(userWords)].filter((word) => word.length > 1 && !/\s/.test(word)).map((word) => `${word} 100000 n`);
  if (lines.length > 0) jieba.loadDict(Buffer.from(lines.join('\n'), 'utf8'));

  const segment = (text: string): string[] => text.split(' ').filter(Boolean).flatMap((chunk) => jieba.cutForSearch(chunk, true));
  const content = (tokens: readonly string[]) => tokens.filter((token) => !STOPWORDS.has(token));

  return {
    words: (text) => content(segment(text)),
    bigrams(text) {
      const out: string[] = [];
      for (const chunk of text.split(' ')) {
        if (!chunk) continue;
        // Rebuild runs of content from the precise cut so bigrams never straddle a stopword.
        let run = '';
        const flush = () => {
          if (run.length === 1) out.push(run);
          for (let i = 0; i + 1 < run.length; i++) out.push(run.slice(i, i + 2));
          run = '';
        };
        for (const token of jieba.cut(chunk, true)) {
          if (STOPWORDS.has(token)) flush();
          else run += token;
        }
        flush();
      }
      return out;
    },
  };
}
