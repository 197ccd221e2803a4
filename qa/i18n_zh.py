"""The Chinese of the project's messages, keyed by their English (see `qa.i18n.tr`).

Terms follow the textbooks Chinese readers use (d2l-zh, 邱锡鹏《神经网络与深度学习》, the Chinese
Goodfellow): 隐状态, 梯度消失, 通过时间反向传播. A `{name}` field of the English stays in the
Chinese. `tests/test_i18n.py` checks that every message the code passes to `tr` is here.
"""

from __future__ import annotations

ZH: dict[str, str] = {
    # --- site: page parts made by the build
    "Reproduce:": "复现：",
    "Original:": "原题：",
    "*DeepLearning-500-questions* §{n}": "《深度学习500问》第{n}节",
    "Difficulty:": "难度：",
    "Tags:": "标签：",
    "Run it:": "运行：",
    "easy": "易",
    "medium": "中",
    "hard": "难",
    "In a terminal:": "在终端里：",
    "The 60-second answer": "60秒回答",
    "Answer": "答案",
    "Revisit:": "回顾：",
    "this section": "本节",
    "Question": "问题",
    "Original": "原题",
    "Difficulty": "难度",
    "Tags": "标签",
    "an unrecorded machine": "一台未记录的机器",
    " (seed {seed})": "（种子{seed}）",
    "The numbers on this page come from the run that drew its figures: "
    "`dl500 run {id}`{seed}, when this site was built, on {machine}. "
    "`dl500 run {id} --numbers` prints them. Another machine gives the same "
    "picture, but its last digits can differ, and after many training steps more than the "
    "last digits: what the text concludes holds on every machine we checked, the digits "
    "are this machine's.": (
        "本页的数字来自画出本页图的那次运行：构建本站时执行的`dl500 run {id}`{seed}，"
        "机器是{machine}。`dl500 run {id} --numbers`会打印这些数字。换一台机器，结论不变，"
        "但末几位数字可能不同；训练步数多时，差别可能不止末几位。正文的结论在我们检查过的"
        "每台机器上都成立，具体数字则是这台机器的。"
    ),
    "Computed by this build": "由本次构建计算",
    "Reproduced in the experiments": "实验中的复现",
    "✔ reproduced": "✔ 已复现",
    "◐ partly": "◐ 部分复现",
    "✘ not reproduced": "✘ 未复现",
    # --- site: the nav
    "Home": "首页",
    "Questions": "问题",
    "Reproducibility report": "可复现性报告",
    "Notation & glossary": "记号与术语表",
    "API reference": "API参考",
    "Changelog": "更新日志",
    # --- command line: dl500 list / show
    "error": "错误",
    "interrupted": "已中断",
    "{n} questions. 'dl500 show ID' for an answer, 'dl500 run ID' to run it.": (
        "共{n}道题。'dl500 show 题号'看回答，'dl500 run 题号'运行演示。"
    ),
    "upstream §{n}": "原书第{n}节",
    "Page: docs/{page}   Run it: dl500 run {id}": "页面：docs/{page}   运行：dl500 run {id}",
    # --- site: the reproducibility report
    "under a second": "不到1秒",
    "{n} s": "{n}秒",
    "{n} seeds, {first}–{last}": "{n}个随机种子，{first}–{last}",
    "{n} seeds: {seeds}": "{n}个随机种子：{seeds}",
    "{n} seed: {seeds}": "{n}个随机种子：{seeds}",
    "Every result below was computed when this site was built, on {machines}.": (
        "下面每个结果都是构建本站时算出的，机器是{machines}。"
    ),
    " and on ": "和",
    "The machine that computed these results was not recorded.": "没有记录算出这些结果的机器。",
    "Verdict": "结论",
    "Claim": "论断",
    "Source": "出处",
    "Published": "原文结果",
    "Ours": "我们的结果",
    "{n} experiments: **{reproduced} reproduced**, **{partly} partly**, "
    "**{not_} not reproduced**.": (
        "共{n}个实验：**{reproduced}个已复现**，**{partly}个部分复现**，**{not_}个未复现**。"
    ),
    " The verdicts rest on criteria with margins, checked under several BLAS "
    "kernels and thread counts: they are the same on every machine we tried. The numbers "
    "are this machine's: elsewhere their last digits, and after long training more than "
    "the last digits, can differ.": (
        "结论依据留有余量的判据，并在多种BLAS内核和线程数下检查过：在我们试过的每台机器上都一样。"
        "数字则是这台机器的：换一台机器，末几位可能不同；训练很久之后，差别可能不止末几位。"
    ),
    "Claim.": "论断。",
    "Source.": "出处。",
    "Published.": "原文结果。",
    "Verdict:": "结论：",
    "({seeds}).": "（{seeds}）。",
    "Criterion": "判据",
    "Met": "满足",
    "Numbers": "数字",
    " (core)": "（核心）",
    "yes": "是",
    "no": "否",
    "Rerun: {command} (add `--seeds 7,8,9` for other seeds). Took {duration} on the "
    "machine that built this page": (
        "重新运行：{command}（加上`--seeds 7,8,9`换用其他随机种子）。"
        "在构建本页的机器上用时{duration}"
    ),
    " ({machine})": "（{machine}）",
    "Set-up and how to rerun": "设置与重新运行",
    ", ": "、",
    "Used by: {pages}.": "用到它的页面：{pages}。",
    # --- the example in qa.i18n.tr's docstring (a doctest)
    "{n} cards due": "{n}张卡片到期",
    # --- command line: dl500 run
    "{id}  {title}  (seed {seed})": "{id}  {title}（种子{seed}）",
    "done in {seconds}s": "完成，用时{seconds}秒",
    "wrote {path}": "已写入{path}",
    "cannot write figures to {target}: {reason}": "无法把图写入{target}：{reason}",
    # --- command line: bad option values (argument types)
    "expected a whole number, got {text}": "应为整数，实际是{text}",
    "expected {noun} ≥ {minimum}, got {value}": "{noun}应≥{minimum}，实际是{value}",
    "a number": "数值",
    "a seed": "随机种子",
    "expected a number such as 0.9, got {text}": "应为0.9这样的数，实际是{text}",
    "expected a retention between {low} and {high}, got {text}": (
        "保留率应在{low}到{high}之间，实际是{text}"
    ),
    "expected comma-separated whole numbers, got {text}": "应为逗号分隔的整数，实际是{text}",
    "expected one or more seeds ≥ 0, got {text}": "应为一个或多个≥0的随机种子，实际是{text}",
    # --- command line: dl500 quiz, due, undo, export, settings
    "warning": "警告",
    "the progress database is busy (another dl500 is writing); try again": (
        "进度数据库正忙（另一个dl500正在写入），请稍后再试"
    ),
    "progress database error: {error}; answers given before this point are saved": (
        "进度数据库出错：{error}；此前的回答都已保存"
    ),
    "unknown question {id}{hint}; known ids: {ids}": "没有题号为{id}的题目{hint}；已有题号：{ids}",
    " (did you mean {hint}?)": "（你是不是想输入{hint}？）",
    "unknown tag {tag}{hint}; known tags: {known}": "未知标签{tag}{hint}；已有标签：{known}",
    "{n} cards due: {review} to review, {new} new.": (
        "{n}张卡片到期：{review}张待复习，{new}张新卡片。"
    ),
    "{n} card due: {review} to review, {new} new. Run 'dl500 quiz'.": (
        "{n}张卡片到期：{review}张待复习，{new}张新卡片。运行'dl500 quiz'开始复习。"
    ),
    "{n} cards due: {review} to review, {new} new. Run 'dl500 quiz'.": (
        "{n}张卡片到期：{review}张待复习，{new}张新卡片。运行'dl500 quiz'开始复习。"
    ),
    "Nothing to undo.": "没有可以撤回的回答。",
    "right": "答对",
    "wrong": "答错",
    "its schedule is back to what it was before": "它的复习计划已恢复原样",
    "it was an exam answer, so the schedule was not affected": (
        "这是考试中的回答，复习计划没有受影响"
    ),
    "Took back your answer to {card} ({verdict}, {when}); {after}.": (
        "已撤回你对{card}的回答（{verdict}，{when}）；{after}。"
    ),
    "say what to export: --json FILE ('-' for stdout) and/or --anki FILE.apkg": (
        "请指定导出什么：--json FILE（'-'表示标准输出）和/或--anki FILE.apkg"
    ),
    "an Anki package is a file: give --anki a name such as dl500-rnn.apkg": (
        "Anki卡包是一个文件：请给--anki一个文件名，例如dl500-rnn.apkg"
    ),
    "wrote your progress ({n} reviews) to {where}": "已把你的进度（{n}条复习记录）写入{where}",
    "wrote {n} notes for Anki to {where} (Anki: File > Import)": (
        "已把{n}条Anki笔记写入{where}（在Anki中用“文件 > 导入”）"
    ),
    "Read it on the site": "在网站上阅读",
    "Self-check cards of dl500-rnn (questions 6.4–6.10 of DeepLearning-500-questions). "
    "Numeric cards are live in <code>dl500 quiz</code>, with new numbers at every review; "
    "this deck holds {n} fixed instances of each.": (
        "dl500-rnn的自测卡片（《深度学习500问》6.4–6.10题）。数值卡片在<code>dl500 quiz</code>中"
        "是“活”的，每次复习都换一组新数字；本卡组为每张数值卡片收录{n}个固定的实例。"
    ),
    "cannot write {file}: {reason}": "无法写入{file}：{reason}",
    "the file": "该文件",
    "unknown setting {name}; known: {known}": "未知设置{name}；可用的设置：{known}",
    "(stored in {path}; change with 'dl500 settings NAME VALUE')": (
        "（保存在{path}；用'dl500 settings 名称 值'修改）"
    ),
    # --- the progress database (qa.quiz.store): settings and errors
    "desired retention: the probability of recalling a card when it comes due "
    "(higher means more reviews)": "目标保留率：卡片到期时仍能回忆起来的概率（越高，复习越多）",
    "new cards introduced per quiz session": "每轮练习引入的新卡片数",
    "the progress database {path} is damaged or not a dl500 database ({detail}). "
    "It was left untouched: move it aside to start afresh, or restore a backup.": (
        "进度数据库{path}已损坏，或者不是dl500的数据库（{detail}）。它没有被改动："
        "把它移到别处即可重新开始，也可以恢复备份。"
    ),
    "cannot create {path}: {reason}": "无法创建{path}：{reason}",
    "cannot open the progress database {path}: {reason}": "无法打开进度数据库{path}：{reason}",
    "the progress database {path} is locked by another program; try again in a moment": (
        "进度数据库{path}被另一个程序锁定，请稍后再试"
    ),
    "{path} is a SQLite database of another program, not dl500 progress. "
    "It was left untouched; point {env} elsewhere or move the file aside.": (
        "{path}是另一个程序的SQLite数据库，不是dl500的进度。它没有被改动；"
        "请把{env}指向别处，或把这个文件移走。"
    ),
    "the progress database {path} was written by a newer dl500-rnn (schema {version}; "
    "this version reads up to {supported}). It was left untouched: upgrade dl500-rnn to use it.": (
        "进度数据库{path}由更新版本的dl500-rnn写入（数据库版本{version}；当前版本最多能读取"
        "{supported}）。它没有被改动：升级dl500-rnn后即可使用。"
    ),
    "tables missing: {tables}": "缺少数据表：{tables}",
    "{path} is a directory, not the progress database": "{path}是一个目录，不是进度数据库",
    "cannot read the progress database {path}: {reason}": "无法读取进度数据库{path}：{reason}",
    "not a SQLite file": "不是SQLite文件",
    "{name} must be a number, not {text}": "{name}必须是数，不能是{text}",
    "{name} must be a whole number, not {text}": "{name}必须是整数，不能是{text}",
    "{name} must be between {low} and {high}, not {text}": (
        "{name}必须在{low}到{high}之间，不能是{text}"
    ),
    # --- command line: dl500 reproduce
    "{word}  ({where}, {seconds}s)": "{word}  （{where}，{seconds}秒）",
    "cached": "取自缓存",
    "ran": "已运行",
    "REPRODUCED": "已复现",
    "PARTLY": "部分复现",
    "NOT REPRODUCED": "未复现",
    "SMOKE RUN": "试运行",
    "reproduced": "已复现",
    "partly": "部分复现",
    "not": "未复现",
    "claim": "论断",
    "source": "出处",
    "published": "原文结果",
    "ours": "我们的结果",
    "verdict": "结论",
    "A quick run is too small to grade: its outcome depends on the seeds and, through "
    "rounding, on the machine.": (
        "快速运行的规模太小，无法判定：结果取决于随机种子，还会因舍入而随机器不同。"
    ),
    "none: {note} `dl500 reproduce {name}` grades it.": (
        "无：{note}`dl500 reproduce {name}`会给出判定。"
    ),
    "quick: smoke runs, no verdicts": "快速：只是试运行，不作判定",
    "full": "完整",
    "{reproduced} reproduced, {partly} partly, {not_} not reproduced": (
        "{reproduced}个已复现，{partly}个部分复现，{not_}个未复现"
    ),
    "{n} smoke run(s) that ran and gave well-formed records. {note} Run without --quick "
    "for the verdicts (or read the site's reproducibility report)": (
        "{n}次试运行都已跑完，并给出了格式正确的记录。{note}去掉--quick再运行即可得到判定"
        "（也可以看网站上的可复现性报告）"
    ),
    "{graded}, {smoke}": "{graded}；{smoke}",
    "{n} experiment(s): {details}.": "共{n}个实验：{details}。",
    "Summary ({size}):": "汇总（{size}）：",
    "unknown experiment {name}{hint}; known: {known}": "未知实验{name}{hint}；已有实验：{known}",
    "cannot write to {target}: {reason}": "无法写入{target}：{reason}",
    # --- the quiz: what a learner may type (qa.quiz.answers)
    "a number such as 19200, 19,200, 1.92e4, -0.5, 3/4 or 0.9^10": (
        "一个数，如19200、19,200、1.92e4、-0.5、3/4或0.9^10"
    ),
    "true or false (also t/f, yes/no, y/n, 1/0)": "true或false（也可以用t/f、yes/no、y/n、1/0）",
    "1 again (forgot), 2 hard, 3 good or 4 easy: the number or the word": (
        "1重来（忘了）、2困难、3良好或4简单：输入数字，或英文单词again、hard、good、easy"
    ),
    "show this help": "显示本帮助",
    "leave this card for later (nothing is recorded)": "先跳过这张卡片（不作记录）",
    "take back your last answer and ask that card again": "撤回上一个回答，重新问那张卡片",
    "end the session (like Ctrl-D); progress is saved after every answer": (
        "结束本轮练习（同Ctrl-D）；每次回答后进度都已保存"
    ),
    "type {forms}": "请输入{forms}",
    "cannot divide by zero; type {forms}": "不能除以零；请输入{forms}",
    "not a number: use a point for decimals (0.5); a comma only groups thousands (19,200)": (
        "不是有效的数：小数用小数点（0.5）；逗号只用来分隔千位（19,200）"
    ),
    "type the number without '%'; accepted: {forms}": "请输入不带'%'的数；可接受：{forms}",
    "not a number; type {forms}": "不是有效的数；请输入{forms}",
    "that number is too large; type {forms}": "这个数太大了；请输入{forms}",
    "a letter a–{last}, a number 1–{n}, or the option's text": (
        "字母a–{last}、数字1–{n}，或选项的原文"
    ),
    "choose one option: type {forms}": "请选择一个选项：输入{forms}",
    "grade yourself: {forms}": "请给自己打分：{forms}",
    # --- the quiz: the kinds of card (qa.quiz.cardtypes)
    "free recall": "自由回忆",
    "multiple choice": "选择题",
    "true or false": "判断题",
    "numeric": "计算题",
    "within {percent}% or ±{atol}": "{percent}%以内或±{atol}",
    "within {percent}%": "{percent}%以内",
    "your answer (optional; Enter shows the model answer) > ": (
        "你的回答（可不填；按Enter显示参考答案）> "
    ),
    "any text, or nothing": "任意文字，或不填",
    "Model answer:": "参考答案：",
    "Why:": "解析：",
    "Read: {link}": "延伸阅读：{link}",
    "how well did you recall it? 1 again, 2 hard, 3 good, 4 easy > ": (
        "你回忆得怎么样？1重来，2困难，3良好，4简单 > "
    ),
    "Recalled.": "记住了。",
    "Not recalled; it will come back soon.": "没记住，它很快会再出现。",
    "answer (a{dash}{last}) > ": "答案（a{dash}{last}）> ",
    "Wrong. The answer is {letter})": "答错了。答案是{letter})",
    "About {letter}):": "关于{letter})：",
    "Why not the others:": "其他选项为什么不对：",
    "true or false > ": "对还是错（true/false）> ",
    "Correct: it is true.": "答对了：这句话是对的。",
    "Correct: it is false.": "答对了：这句话是错的。",
    "Wrong: it is true.": "答错了：这句话是对的。",
    "Wrong: it is false.": "答错了：这句话是错的。",
    "True.": "对。",
    "False.": "错。",
    "True or false? {prompt}": "判断对错：{prompt}",
    "True or false?": "判断对错：",
    "answer ({tolerance}) > ": "答案（误差{tolerance}）> ",
    "Correct: {value}.": "答对了：{value}。",
    "Wrong: the answer is {value}; you typed {given} (accepted {tolerance}).": (
        "答错了：答案是{value}，你输入的是{given}（允许误差{tolerance}）。"
    ),
    " (accepted: {tolerance})": "（允许误差：{tolerance}）",
    "*`dl500 quiz` draws new numbers each time.*": "*`dl500 quiz`每次都会换一组新的数字。*",
    "<b>{value}</b> (accepted {tolerance}; in <code>dl500 quiz</code> the numbers change at "
    "every review)": (
        "<b>{value}</b>（允许误差{tolerance}；在<code>dl500 quiz</code>中，每次复习都会换数字）"
    ),
    "Correct": "答对了",
    "Wrong": "答错了",
    # --- the quiz: the export (qa.quiz.export)
    "left out {card}: {error}": "略过了{card}：{error}",
    "standard output": "标准输出",
    # --- the quiz: the session (qa.quiz.session)
    "now": "现在",
    "in {n} min": "{n}分钟后",
    "in {n} h": "{n}小时后",
    "in {n} days": "{n}天后",
    "in {n} months": "{n}个月后",
    "Skipped; nothing recorded.": "已跳过，没有记录。",
    "skipping a card that cannot be drawn: {error}": "跳过一张无法出题的卡片：{error}",
    "new": "新卡片",
    "once more": "再问一次",
    ". :help lists commands.": "。输入:help查看命令。",
    "Answer with {forms}.": "回答方式：{forms}。",
    "Ctrl-D ends the session; Ctrl-C stops it (progress is kept either way).": (
        "Ctrl-D结束本轮练习；Ctrl-C中止（两种方式都会保留进度）。"
    ),
    "Next review: {delay}": "下次复习：{delay}",
    "Next review: {delay} (again this session)": "下次复习：{delay}（本轮还会再问）",
    "an exam answer, so no schedule to restore": "这是考试中的回答，没有复习计划需要恢复",
    "its schedule is restored": "它的复习计划已恢复",
    "Took back your answer to {card} ({verdict}); {after}.": (
        "已撤回你对{card}的回答（{verdict}）；{after}。"
    ),
    "{n} card problem(s) in the bank; those cards are left out (first: {first})": (
        "题库中有{n}处卡片问题，相关卡片已略过（第一处：{first}）"
    ),
    "exam of {n} card; your schedule is not changed": "考试，共{n}张卡片；不会改变你的复习计划",
    "exam of {n} cards; your schedule is not changed": "考试，共{n}张卡片；不会改变你的复习计划",
    "{n} card: {review} to review, {new} new": "{n}张卡片：{review}张待复习，{new}张新卡片",
    "{n} cards: {review} to review, {new} new": "{n}张卡片：{review}张待复习，{new}张新卡片",
    "dl500 quiz {dash} {title}.": "dl500 quiz {dash} {title}。",
    "Every answer is saved at once. :help lists commands; Ctrl-D ends the session, "
    "Ctrl-C stops it.": "每个回答都会立即保存。输入:help查看命令；Ctrl-D结束本轮练习，Ctrl-C中止。",
    "No cards to ask: the selected questions have no cards yet.": (
        "没有可问的卡片：所选题目还没有卡片。"
    ),
    "Nothing is due.": "没有到期的卡片。",
    " The next card is due {delay}.": "下一张卡片{delay}到期。",
    " To practise anyway: dl500 quiz --exam": "仍想练习的话：dl500 quiz --exam",
    "No answers this session.": "本轮没有回答。",
    "{n} answer, {right} right ({share}); all saved.": (
        "{n}个回答，答对{right}个（{share}）；已全部保存。"
    ),
    "{n} answers, {right} right ({share}); all saved.": (
        "{n}个回答，答对{right}个（{share}）；已全部保存。"
    ),
    "Interrupted.": "已中断。",
    "Exam mode: your schedule was not changed.": "考试模式：你的复习计划没有改变。",
    "; {n} more within 20 minutes": "；20分钟内还有{n}张",
    "Due now: {due} to review, {new} new{later}.": (
        "现在到期：{due}张待复习，{new}张新卡片{later}。"
    ),
    "'dl500 stats' shows your progress; 'dl500 undo' takes back the last answer.": (
        "'dl500 stats'查看进度；'dl500 undo'撤回上一个回答。"
    ),
    # --- the quiz: dl500 stats (qa.quiz.stats)
    "Reviews": "复习",
    "today {today}, last 7 days {week}, in all {total}": (
        "今天{today}次，最近7天{week}次，总计{total}次"
    ),
    "; exam answers {n} ({right} right)": "；考试作答{n}次（答对{right}次）",
    "right in the last 30 days: {percent}": "最近30天答对率：{percent}",
    "true retention: not yet measurable (no card has come back for review)": (
        "真实保留率：暂时无法计算（还没有卡片到期回来复习）"
    ),
    "true retention (30 days, {n} reviews): {percent}; desired {desired}": (
        "真实保留率（30天，{n}次复习）：{percent}；目标{desired}"
    ),
    "Cards": "卡片",
    "{total} in all: {new} new, {learning} learning, {review} in review": (
        "共{total}张：新卡片{new}张，学习中{learning}张，复习中{review}张"
    ),
    "Due": "到期",
    "{date} {n}": "{date}有{n}张",
    "now {n}; next days: {days}": "现在{n}张；接下来几天：{days}",
    "Weakest questions first": "最薄弱的题目排在前面",
    " (recall: FSRS probability of recalling now; stability: days until it drops to 90%)": (
        "（回忆概率：FSRS估计你此刻能回忆起来的概率；稳定性：回忆概率降到90%所需的天数）"
    ),
    "{id} recall {recall}, stability {stability} d, {seen}/{cards} cards seen, "
    "lapses {lapses}  {page}": (
        "{id} 回忆概率{recall}，稳定性{stability}天，已学{seen}/{cards}张，遗忘{lapses}次  {page}"
    ),
    "Weakest cards": "最薄弱的卡片",
    "recall {recall}, stability {stability} d  {id}  {link}": (
        "回忆概率{recall}，稳定性{stability}天  {id}  {link}"
    ),
    "No card studied yet: start with 'dl500 quiz'.": "还没有学过任何卡片：先运行'dl500 quiz'吧。",
    # --- site: the notebooks (qa.site.notebooks)
    "Notebook:": "笔记本：",
    "This notebook runs the demonstration of question {id}: the code of `{module}`, run as "
    "`dl500 run {id}` runs it. It is generated from that module and its data file, so it "
    "shows what the page shows. It needs the project installed (`pip install -e .` in the "
    "project's directory).": (
        "本笔记本运行第{id}题的演示，即`{module}`的代码，运行方式与`dl500 run {id}`相同。"
        "它由该模块及其数据文件生成，所以展示的正是页面上的内容。运行前需要安装本项目"
        "（在项目目录下执行`pip install -e '.[docs]'`：中文图所用的字体在docs附加依赖里）。"
    ),
    "Run the demonstration": "运行演示",
    "With the seed of the page's figures (`demo.SEED`) and one BLAS thread, as `dl500 run` "
    "runs it. The slowest demonstrations take about a minute.": (
        "使用页面上的图所用的随机种子（`demo.SEED`）和一个BLAS线程，与`dl500 run`的运行方式"
        "相同。最慢的演示大约需要一分钟。"
    ),
    "What it measured": "测量结果",
    "The report that `dl500 run {id}` prints; `numbers` holds each number by name.": (
        "即`dl500 run {id}`打印的报告（英文）；`numbers`按名字保存其中的每个数字。"
    ),
    "Figure {n}: `{name}`": "图{n}：`{name}`",
    "({names}: this run's numbers, printed under the figure.)": (
        "（{names}：本次运行测得的数字，打印在图的下方。）"
    ),
    "The page of this answer: *{title}*, `{url}` on the site (`docs/{page}` in the project). "
    "In a terminal, `dl500 run {id}` runs the same demonstration and prints the same report; "
    "`{show}` prints the answer.": (
        "本题的页面：*{title}*，即站点上的`{url}`（项目中的`docs/{page}`）。在终端里，"
        "`dl500 run {id}`运行同一个演示，打印同样的报告；`{show}`打印回答。"
    ),
    # --- quiz: the site, from a card
    "open this card's section of the site in your browser": (
        "在浏览器中打开这张卡片在网站上的对应小节"
    ),
    "Opened {url}": "已打开{url}",
    "No browser to open; the page is {url}": "没有可用的浏览器；页面地址是{url}",
    "unknown card {id}": "没有id为{id}的卡片",
}
