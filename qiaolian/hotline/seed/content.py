"""What the seeded hotline work says: categories, subjects, cemeteries, comments and the
knowledge base's answers."""

CATEGORY_WEIGHTS = (
    ("policy", 0.27),
    ("medicine", 0.17),
    ("legal", 0.14),
    ("enterprise", 0.09),
    ("psychology", 0.08),
    ("epidemic", 0.07),
    ("supplies", 0.06),
    ("other", 0.12),
)

# The closing note (办结意见) each resolved case carries, by category.
CLOSING_NOTES = {
    "policy": "已按现行政策逐项解答，并告知办理窗口、所需材料和咨询电话。",
    "medicine": "已请驻群医生远程问诊并给出用药和就医建议，家属表示理解。",
    "legal": "已由志愿律师解答法律问题，提供了维权途径和当地援助机构联系方式。",
    "enterprise": "已转相关部门协调，企业诉求已落实，结果已电话告知。",
    "psychology": "心理咨询师已进行两次疏导，来电人情绪平稳，约定需要时再联系。",
    "epidemic": "已告知最新防疫和出入境要求，并发送了官方指引链接。",
    "supplies": "物资已通过侨团送达，签收照片已存档。",
    "tomb_sweeping": "已按约完成祭扫，照片和视频已发给委托人。",
}
CLOSING_NOTE = "问题已解决，处理结果已告知来电人。"

SUBJECTS = {
    "policy": [
        "咨询华侨子女回国入学政策",
        "询问归侨身份认定需要哪些材料",
        "咨询华侨回国定居办理流程",
        "护照过期后如何办理回国证件",
        "询问侨眷养老保险如何衔接",
        "咨询海外学历学位认证办理",
        "询问华侨在甬购房的条件",
        "咨询老家宅基地确权政策",
        "询问华侨回国创业扶持政策",
        "咨询境外驾照换领国内驾照",
    ],
    "epidemic": [
        "询问回国入境健康申报要求",
        "咨询所在国流感高发期防护措施",
        "家中老人感染后居家护理咨询",
        "询问疫苗接种记录能否互认",
        "侨团活动防疫安排咨询",
    ],
    "medicine": [
        "咨询慢性病药物在国外如何购买",
        "父亲术后康复注意事项咨询",
        "儿童反复发热用药剂量咨询",
        "请医生帮忙解读体检报告",
        "高血压药物替代方案咨询",
        "询问中成药能否邮寄到所在国",
        "回国就医预约挂号流程咨询",
        "糖尿病饮食和用药调整咨询",
    ],
    "psychology": [
        "独自在外长期失眠焦虑求助",
        "留学生学业压力大情绪低落",
        "店铺停业后心理压力很大",
        "亲人去世无法回国奔丧心情沉重",
        "与国内家人沟通困难寻求疏导",
    ],
    "legal": [
        "在意大利遭遇劳务纠纷如何维权",
        "老家房屋拆迁补偿有争议",
        "跨国离婚判决在国内如何承认",
        "店铺租赁合同纠纷求助",
        "遗产继承公证办理咨询",
        "国内合作方拖欠货款如何起诉",
        "居留许可续签被拒如何申诉",
        "国内亲属借款纠纷法律咨询",
    ],
    "supplies": [
        "请求协助采购口罩寄往米兰",
        "侨团申请防疫物资支援",
        "老人急需药品请求协助代购",
        "请求协助转运捐赠物资",
    ],
    "enterprise": [
        "侨资企业咨询回甬投资政策",
        "咨询回甬设厂审批手续",
        "外贸企业出口退税政策咨询",
        "侨商子女就学安排咨询",
        "企业聘用外籍员工许可咨询",
    ],
    "other": [
        "要求更新本人联系方式",
        "咨询侨联活动如何报名",
        "对热线服务提出建议",
        "查询往年捐赠证书",
        "寻找失联多年的亲属",
        "咨询侨联会员入会手续",
    ],
    "tomb_sweeping": [
        "清明代为祭扫祖父母墓",
        "申请云祭扫服务",
        "请代为献花并拍照反馈",
        "代为祭扫父母墓并清理墓碑",
        "冬至代为祭扫先人墓",
    ],
}

CEMETERIES = [
    ("宁波福泉山公墓", "松园"),
    ("宁波宝峰山公墓", "福区"),
    ("奉化区永久陵园", "静园"),
    ("余姚市四明山公墓", "思亲园"),
    ("慈溪市凤浦岙公墓", "长青区"),
    ("北仑区九峰山公墓", "怀恩园"),
    ("镇海区招宝山陵园", "安息区"),
    ("象山县丹城公墓", "海景园"),
    ("宁海县桃源公墓", "桃源区"),
]
RITES = [
    "献花、清扫墓碑",
    "献花、上香、鞠躬",
    "清扫墓碑、描红碑文",
    "献花并视频连线",
    "摆放祭品、献花",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡郭何林郑叶谢"
TITLES = ("先生", "女士")
COMMENTS = {
    5: ["非常感谢，解答很专业！", "半夜打电话也有人接，很感动。", "医生很耐心，谢谢侨联。"],
    4: ["回复及时，问题基本解决。", "服务很好，希望材料清单能再详细些。"],
    3: ["解决了，但等待时间有点长。"],
    2: ["转了几次才找到负责的人。"],
    1: ["问题没有真正解决。"],
}

ANSWERS = [
    (
        "policy",
        "华侨子女回国接受义务教育如何入学？",
        "How do children of overseas Chinese enrol in compulsory schooling?",
        "华侨子女回国就读义务教育阶段学校，凭护照、华侨身份证明和居住证明向居住地教育局申请，"
        "按就近入学原则安排。",
        "Apply to the district education bureau with the passport, proof of overseas Chinese "
        "status and proof of residence; a school near home is assigned.",
        "入学 子女 教育 school",
    ),
    (
        "policy",
        "归侨身份认定需要准备哪些材料？",
        "Which documents prove returned overseas Chinese status?",
        "需提供本人护照或回国证明、在国外定居证明、户籍证明，由户籍所在地侨办审核认定。",
        "Passport or return certificate, proof of settlement abroad and household registration; "
        "the overseas Chinese affairs office of the household's district decides.",
        "归侨 认定 材料",
    ),
    (
        "policy",
        "护照过期了怎么回国？",
        "My passport has expired: how do I travel home?",
        "请向所在国中国使领馆申请换发护照或旅行证，紧急情况可申请加急办理。",
        "Apply to the Chinese embassy or consulate for a new passport or a travel document; "
        "urgent cases can be expedited.",
        "护照 旅行证 使领馆 passport",
    ),
    (
        "medicine",
        "在国外如何继续服用国内开的慢性病药物？",
        "How to keep taking a chronic-disease medicine prescribed in China?",
        "请携带中英文处方和药品说明，咨询当地家庭医生开具同成分药物；少量自用药品可按规定邮寄。",
        "Bring the prescription and leaflet in Chinese and English to a local GP for the same "
        "active ingredient; small quantities for personal use may be posted under the rules.",
        "慢性病 处方 药物 medicine",
    ),
    (
        "medicine",
        "回国就医如何预约挂号？",
        "How do I book a hospital appointment in Ningbo?",
        "可通过“健康宁波”平台或医院公众号预约，侨胞可拨打热线由志愿者协助预约。",
        "Book through the Healthy Ningbo platform or the hospital's WeChat account; the hotline's "
        "volunteers can book for you.",
        "挂号 预约 医院",
    ),
    (
        "legal",
        "在国外遇到劳务纠纷怎么办？",
        "What to do in a labour dispute abroad?",
        "保留合同、工资记录和聊天证据，联系当地华人律师或侨团法律顾问，必要时向使领馆求助。",
        "Keep the contract, pay records and messages; contact a local Chinese-speaking lawyer or "
        "the association's legal adviser, and the consulate if needed.",
        "劳务 纠纷 维权 labour",
    ),
    (
        "legal",
        "国外离婚判决在国内如何承认？",
        "How is a foreign divorce judgment recognised in China?",
        "向国内有管辖权的中级人民法院申请承认，需提交经公证认证的判决书及中文译本。",
        "Apply to the competent intermediate people's court with the notarised and legalised "
        "judgment and a Chinese translation.",
        "离婚 判决 承认",
    ),
    (
        "tomb_sweeping",
        "如何申请代为祭扫？",
        "How do I ask for proxy tomb-sweeping?",
        "拨打热线或在门户填写墓地位置、祭扫日期和祭扫要求，完成后会通过私密链接发送照片或视频。",
        "Call the hotline or fill in the grave location, date and rites on the portal; photos or "
        "a video follow through a private link.",
        "祭扫 清明 冬至 tomb",
    ),
    (
        "psychology",
        "情绪低落、失眠可以找谁倾诉？",
        "Who can I talk to when I feel low and cannot sleep?",
        "热线二十四小时有心理志愿者值班，可预约视频疏导；紧急情况请拨打所在国急救电话。",
        "Psychologist volunteers are on duty day and night and can arrange a video session; "
        "in an emergency call the local emergency number.",
        "心理 失眠 焦虑",
    ),
    (
        "enterprise",
        "侨资企业回甬投资有哪些扶持政策？",
        "Which incentives apply to overseas Chinese investment in Ningbo?",
        "可享受市级招商引资奖励、人才政策及侨资企业服务绿色通道，详情咨询区侨联和商务局。",
        "City investment awards, talent schemes and a fast lane for overseas Chinese enterprises; "
        "ask the district federation and commerce bureau.",
        "投资 侨资企业 政策",
    ),
    (
        "epidemic",
        "回国入境需要做哪些健康申报？",
        "Which health declaration is needed on arrival?",
        "按海关最新要求如实填写健康申报，出现发热等症状请主动告知海关。",
        "Fill in the customs health declaration truthfully and report fever or other symptoms.",
        "入境 健康申报 海关",
    ),
    (
        "supplies",
        "侨团如何申请物资支援？",
        "How does an association apply for supplies?",
        "由侨团负责人向所在区侨联提交申请，写明物资种类、数量和收货地址。",
        "The association's leader applies to the district federation with the kind, quantity "
        "and delivery address.",
        "物资 侨团 申请",
    ),
    (
        "other",
        "如何更新我在侨联登记的联系方式？",
        "How do I update my contact details?",
        "拨打热线或在门户个人信息页修改，工作人员核实后更新。",
        "Call the hotline or edit your profile on the portal; staff check and update it.",
        "联系方式 更新",
    ),
    (
        "policy",
        "华侨个人所得税如何申报？",
        "How do overseas Chinese file individual income tax?",
        "在国内取得收入的，按居民或非居民身份分别申报，可通过个人所得税App办理。",
        "Income earned in China is declared as resident or non-resident; use the IIT app.",
        "个税 申报 tax",
    ),
]
