import type { DialogueSnapshot } from '../../../bot/understanding/snapshot';

/** Snapshots as the dialogue stage builds them, from the shipped flows and catalogue. */

export const FLOWS: DialogueSnapshot['flows'] = [
  { id: 'guide', title: '查办事材料', description: '一次性告知' },
  { id: 'feedback', title: '意见建议' },
  { id: 'nearby-halls', title: '附近大厅' },
  { id: 'about', title: '关于我' },
];

/** The ID-card item's first question, answered in words. */
export const atOccasion: DialogueSnapshot = {
  text: '坏了刷不出来',
  dialogue: {
    flow: { id: 'guide', title: '查办事材料' },
    question: {
      stepId: 'scenario',
      kind: 'ask',
      slot: 'reply',
      type: 'choice',
      prompt: '您是哪种情况？',
      options: [
        { value: 'expired', label: '有效期满换领' },
        { value: 'damaged', label: '损坏换领' },
        { value: 'lost', label: '丢失补领' },
      ],
    },
    slots: [{ name: 'reply', type: 'choice', filled: false, prompt: '您是哪种情况？' }],
  },
  flows: FLOWS,
  services: [{ code: 'GA-SFZ-HL', name: '居民身份证换领、补领', score: 0.62 }],
};

/** A story typed at the feedback flow's date question. */
export const atVisitDate: DialogueSnapshot = {
  text: '上周五去的，等了三个小时没人管',
  dialogue: {
    flow: { id: 'feedback', title: '意见建议' },
    question: { stepId: 'visit-date', kind: 'ask', slot: 'visitDate', type: 'date', prompt: '您是哪天去的大厅？（比如“昨天”“11月20日”；记不清可以回复“跳过”）' },
    slots: [
      { name: 'visitDate', type: 'date', filled: false, prompt: '您是哪天去的大厅？' },
      { name: 'hall', type: 'location', filled: false, prompt: '是哪个大厅？' },
      { name: 'detail', type: 'text', filled: false, prompt: '请具体说说您的意见或建议。' },
      { name: 'wantReply', type: 'yesno', filled: false, prompt: '需要工作人员联系您、答复处理情况吗？' },
    ],
  },
  flows: FLOWS,
  services: [],
};

/** A greeting carrying a request, with no dialogue in progress. */
export const greetingWithRequest: DialogueSnapshot = {
  text: '您好！想问下孩子上户口要带啥',
  flows: FLOWS,
  services: [
    { code: 'GA-HK-CS', name: '出生登记（新生儿落户）', score: 0.81 },
    { code: 'YJS-XSE', name: '新生儿出生一件事', score: 0.74 },
    { code: 'GA-HK-QR', name: '户口迁移（迁入）', score: 0.4 },
  ],
};

/** Name, phone and ID number in one message, at the contact flow's name question. */
export const atContactName: DialogueSnapshot = {
  text: '我叫王芳，电话138 1234 5678，身份证11010519491231002X',
  dialogue: {
    flow: { id: 'contact', title: '联系方式' },
    question: { stepId: 'name', kind: 'ask', slot: 'name', type: 'text', prompt: '怎么称呼您？（可以只写姓，比如“王女士”；不想留可以回复“跳过”）' },
    slots: [
      { name: 'name', type: 'text', filled: false, prompt: '怎么称呼您？' },
      { name: 'phone', type: 'phone', filled: false, prompt: '请留一个手机号，方便工作人员联系您。' },
    ],
  },
  flows: FLOWS,
  services: [],
};

/** "办个证": a vague request with close hits. */
export const vagueRequest: DialogueSnapshot = {
  text: '办个证',
  flows: FLOWS,
  services: [
    { code: 'GA-SFZ-HL', name: '居民身份证换领、补领', score: 0.41 },
    { code: 'GA-JZZ-SL', name: '居住证申领', score: 0.39 },
    { code: 'RS-SBK-SL', name: '社会保障卡申领', score: 0.35 },
  ],
};

/** The offline reading the fakes fall back to; recognisable in assertions. */
export const OFFLINE_READING = { commands: [{ kind: 'cannot_handle' as const }], confidence: 0.3, source: 'offline' as const };

const at = (snapshot: DialogueSnapshot, text: string, services = snapshot.services): DialogueSnapshot => ({ ...snapshot, text, services });

/** The snapshots of the hand-written fixture (test/fixtures/llm/recordings.json), with the outcome replay must give. */
export const FIXTURE_CASES: { snapshot: DialogueSnapshot; outcome: 'llm' | 'invalid' | 'low-confidence' }[] = [
  { snapshot: atOccasion, outcome: 'llm' },
  { snapshot: at(atOccasion, '不是丢的，是坏了'), outcome: 'llm' },
  { snapshot: at(atOccasion, '先不弄这个了，公积金怎么提', [{ code: 'GJJ-ZF-TQ', name: '住房公积金提取', score: 0.88 }]), outcome: 'llm' },
  { snapshot: at(atOccasion, '嗯嗯那个就是'), outcome: 'low-confidence' },
  { snapshot: greetingWithRequest, outcome: 'llm' },
  { snapshot: vagueRequest, outcome: 'llm' },
  { snapshot: at(vagueRequest, '社保卡丢了补办', [{ code: 'RS-SBK-SL', name: '社会保障卡申领', score: 0.77 }]), outcome: 'invalid' },
  { snapshot: atVisitDate, outcome: 'llm' },
  { snapshot: at(atVisitDate, '刚才不是说了吗'), outcome: 'llm' },
  { snapshot: at(atVisitDate, '大厅几点下班'), outcome: 'llm' },
  { snapshot: atContactName, outcome: 'llm' },
  { snapshot: at(greetingWithRequest, '别让机器人回答了，找个活人', []), outcome: 'llm' },
];
