from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicityKind(models.TextChoices):
    BANNER = "banner", _("Banner")
    BOARD = "board", _("Display board")
    LED = "led", _("LED screen slot")
    MEDIA = "media", _("Media report")
    ONLINE = "online", _("Online post")


# Seeded by the 0002 data migration and by tests; names are data in the working language (users edit them).
DEFAULT_ACTIVITY_TYPES = [
    # code, name, order
    ("theory_study", "理论学习", 10),
    ("lecture_tour", "宣讲", 20),
    ("party_day", "主题党日", 30),
    ("festival", "节庆活动", 40),
    ("performance", "文艺演出", 50),
    ("contest", "知识竞赛", 60),
    ("training", "培训班", 70),
    ("language", "语言培训", 80),
    ("volunteer", "志愿服务", 90),
    ("exhibition", "展览", 100),
    ("legal_education", "法治宣传", 110),
    ("sports", "体育活动", 120),
    ("youth_exchange", "青少年交流", 130),
    ("other", "其他", 200),
]
