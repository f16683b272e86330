from django.core.paginator import Paginator


def paginate(request, items, per_page: int = 50, *, param: str = "page"):
    """A page of `items`, numbered by the GET parameter `param`.

    `page.query` keeps the other GET parameters (filters, another table's page) for the page links, and
    `page.param` names the parameter, so one template (school/_pagination.html) serves every list and
    two paginated tables can share a page.
    """
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    params = request.GET.copy()
    params.pop(param, None)
    page.query = params.urlencode()
    page.param = param
    return page
