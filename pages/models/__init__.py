from .case_study import CaseStudyPage, CaseStudyTag, PartnerOrganisation
from .hub import HubPage
from .network import Network
from .partner_city import Agreement, PartnerCity
from .seed_record import SeedRecord
from .site_settings import FrontendSettings

__all__ = [
    "Agreement",
    "CaseStudyPage",
    "CaseStudyTag",
    "FrontendSettings",
    "HubPage",
    "Network",
    "PartnerCity",
    "PartnerOrganisation",
    "SeedRecord",
]
