"""The demo's knowledge base (SVC-13): 锦华物业's standard answers on the six seed shelves,
written by the front desk and published by the project manager, one for 翠湖苑 only; and a
few of the replayed year's open consultations answered from them, so the answer counts have
something to count. Runs once: a tenant with articles keeps them."""

from __future__ import annotations

from linli.demo.generator import DemoContext, register_stage
from linli.directory.selectors import property as property_selectors
from linli.servicedesk import selectors as desk
from linli.servicedesk import services as sd
from linli.servicedesk.choices import OrderType
from linli.servicedesk.knowledge import selectors as kb
from linli.servicedesk.states import OPEN

# (shelf code, title, keywords, answer)
ARTICLES = [
    ("renovation", "装修需要办理哪些手续", "装修 手续 备案 申请",
     "业主持房产证（或购房合同）、身份证、装修方案和装修公司营业执照复印件到服务中心办理装修登记，"
     "签订《装修管理协议》，缴纳装修押金和垃圾清运费后领取《装修许可证》和施工人员出入证。"),
    ("renovation", "装修押金什么时候退", "装修 押金 退还",
     "装修完工后业主申请竣工验收，验收合格且无违规、"
     "无损坏公共设施的，押金在 30 日内凭押金收据全额退还；"
     "收据遗失的，需本人持身份证到服务中心签署遗失声明。"),
    ("renovation", "装修施工时间有什么规定", "装修 施工时间 噪音",
     "工作日 8:30–12:00、14:00–18:00 可以施工；周六日及法定节假日不得进行电钻、切割等噪音作业。"
     "高考、中考期间按街道通知另行安排。"),
    ("renovation", "装修垃圾怎么清运", "装修 垃圾 清运",
     "装修垃圾须袋装后放到小区指定的装修垃圾堆放点，不得投放到生活垃圾桶；清运由物业统一安排，"
     "费用按登记时缴纳的清运费结算。"),
    ("renovation", "可以改动承重墙或外立面吗", "装修 承重墙 外立面 阳台",
     "不可以。承重墙、梁柱、外立面、阳台封闭样式和公共管道都不得改动；"
     "违规施工物业将责令停工并恢复原状，"
     "情节严重的报城管部门处理。"),
    ("renovation", "装修工人出入证怎么办理", "装修 出入证 工人",
     "装修登记时由装修公司提供施工人员名单和身份证复印件，"
     "服务中心按人办理临时出入证，装修期满收回。"),
    ("parking-cards", "门禁卡丢了怎么补办", "门禁卡 补卡 丢失",
     "业主本人持身份证到服务中心登记挂失并补办，原卡即时作废；工本费每张 20 元，当场可取。"),
    ("parking-cards", "新增门禁卡怎么办理", "门禁卡 新增 租户",
     "每户可办理 4 张门禁卡；租户办理需业主授权书和租赁合同，到服务中心登记后领取。"),
    ("parking-cards", "停车月卡怎么办理", "停车 月卡 车位",
     "车主带行驶证、驾驶证和业主证明到服务中心申请，"
     "登记车牌后缴费即可开通，地面车位月卡每月 300 元，"
     "地下车位按车位管理规定收费。"),
    ("parking-cards", "访客车辆怎么进小区", "访客 临时停车 车辆",
     "访客车辆在岗亭登记车牌和拜访房号，前 2 小时免费，之后每小时 5 元，当日封顶 30 元。"),
    ("parking-cards", "车位可以租给别人吗", "车位 出租 转租",
     "产权车位可以出租，出租后请租用人到服务中心登记车牌；"
     "人防车位只能由物业统一出租，不得私自转租。"),
    ("parking-cards", "人脸识别门禁怎么录入", "人脸 门禁 录入",
     "在物业 app 的“门禁”页面上传正面照片，"
     "服务中心审核后 24 小时内生效；老人可到服务中心现场录入。"),
    ("utilities", "停水停电会提前通知吗", "停水 停电 通知",
     "计划停水停电至少提前 24 小时在单元门口和业主群发布通知；突发停水停电由工程部立即抢修，"
     "并在群内通报预计恢复时间。"),
    ("utilities", "电费怎么交", "电费 缴费 国家电网",
     "电费由供电公司直接收取，可通过“网上国网”app 或银行代扣缴纳；电表故障请联系服务中心报修。"),
    ("utilities", "燃气开通怎么办理", "燃气 开通 点火",
     "携带房产证和身份证到燃气公司营业厅办理开户，预约上门验收点火；"
     "燃气泄漏请立即关阀开窗并拨打燃气公司抢修电话。"),
    ("utilities", "冬季供暖从什么时候开始", "供暖 暖气 采暖",
     "按市政规定每年 11 月 15 日至次年 3 月 15 日供暖；"
     "室温低于 18 度可报修，工程部 24 小时内上门检测。"),
    ("utilities", "水表读数不对怎么办", "水表 读数 抄表 水费",
     "服务中心每月 25 日抄表；对读数有异议可申请复核，"
     "工程部与业主共同现场核对，确有误差的下月账单调整。"),
    ("surroundings", "附近有哪些学校", "学校 学区 幼儿园 小学",
     "小区对口翠湖小学和翠湖中学，步行约 10 分钟；"
     "小区南门有一所公办幼儿园。学区以当年教育局公布为准。"),
    ("surroundings", "最近的医院在哪里", "医院 社区卫生 看病",
     "社区卫生服务中心在小区东门对面；最近的三甲医院为市第一人民医院，驾车约 15 分钟。"),
    ("surroundings", "附近的公交和地铁", "公交 地铁 交通",
     "小区北门有 12 路、56 路公交站；地铁 2 号线翠湖站 C 出口距北门约 600 米。"),
    ("surroundings", "快递放在哪里取", "快递 驿站 快递柜",
     "快递统一放在西门菜鸟驿站（8:00–21:00）或各单元楼下的快递柜，物业不代收贵重物品。"),
    ("service", "服务中心的工作时间", "服务中心 工作时间 营业时间",
     "服务中心每天 8:30–18:00 办公；夜间和节假日有值班客服，报修电话 24 小时有人接听。"),
    ("service", "物业可以提供哪些有偿服务", "有偿服务 维修 家政",
     "可提供家电维修、管道疏通、开荒保洁和搬家协助等有偿服务，"
     "价格按服务中心公示的收费标准执行，先报价后施工。"),
    ("service", "家里没人可以帮忙收快递或看房吗", "代收 看房 钥匙",
     "物业不代管业主钥匙，也不入户看房；可通过 app 授权临时访客码，让亲友或中介自行进入。"),
    ("service", "宠物饲养有什么规定", "宠物 养狗 遛狗",
     "犬只须办理犬证并接种疫苗，出门牵绳，及时清理粪便；大型犬和烈性犬按市养犬条例禁止饲养。"),
    ("service", "邻居噪音扰民怎么处理", "噪音 扰民 邻里",
     "可拨打服务中心电话，秩序部会上门劝导；夜间 22:00 后持续扰民的，也可拨打 110 报警。"),
    ("fees", "物业费怎么交", "物业费 缴费 交费",
     "可在物业 app 在线缴纳，也可到服务中心刷卡或扫码缴纳，"
     "或办理银行代扣；按季度预缴，发票可在 app 下载。"),
    ("fees", "物业费的收费标准是多少", "物业费 标准 价格",
     "住宅按建筑面积每月每平方米 2.8 元收取，商铺每月每平方米 4.5 元，收费标准已在服务中心公示。"),
    ("fees", "逾期未交物业费会怎样", "欠费 逾期 催缴",
     "逾期后物业会短信和电话提醒，并上门送达催缴通知；不会因欠费停水停电，但长期欠费将依法起诉。"),
    ("fees", "公摊水电费怎么计算", "公摊 水电 分摊",
     "电梯、公共照明和二次供水的电费按各户建筑面积分摊，每季度在单元公告栏和 app 公示明细。"),
    ("fees", "翠湖苑地下车位管理费是多少", "车位 管理费 地下车库",
     "翠湖苑产权车位管理费每月 80 元，随物业费一起缴纳；租用车位的管理费已含在租金内。"),
]


def knowledge_stage(ctx: DemoContext) -> None:
    tenant = ctx.tenants["jinhua"]
    author, editor, admin = ctx.users["frontdesk"], ctx.users["manager"], ctx.users["admin"]
    if kb.article_list(admin).exists():
        return
    ctx.report.reused = False
    sd.knowledge_defaults_install(actor=None, tenant=tenant)
    shelves = {s.code: s for s in kb.knowledge_category_list(admin)}
    cuihu = property_selectors.community_list(admin).filter(name="翠湖苑").first()
    made = []
    for code, title, keywords, body in ARTICLES:
        only_cuihu = title.startswith("翠湖苑") and cuihu is not None
        article = sd.knowledge_article_create(
            actor=author, tenant=tenant, title=title, body=body, keywords=keywords,
            category=shelves[code], all_communities=not only_cuihu,
            communities=[cuihu] if only_cuihu else [])
        sd.knowledge_article_publish(article, actor=editor)
        made.append(article)
    answered = 0
    consultations = desk.work_order_list(admin).filter(
        order_type=OrderType.CONSULTATION, status__in=OPEN).order_by("pk")[:12]
    for order in consultations:
        found = kb.article_suggestions(admin, order.summary, community=order.community_id,
                                       limit=1)
        if found:
            sd.work_order_answer(order, actor=author, article=found[0])
            answered += 1
    ctx.log(f"  {len(made)} knowledge-base articles, {answered} consultations answered "
            f"from them")


register_stage("knowledge", knowledge_stage)
